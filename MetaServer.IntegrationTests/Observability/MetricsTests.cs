using System.Globalization;
using System.Net;
using MetaServer.Domain.Messages;
using MetaServer.IntegrationTests.Infrastructure;
using MetaServer.IntegrationTests.MetaManager;

namespace MetaServer.IntegrationTests.Observability;

/// <summary>/metrics after a scripted workload: the series a Prometheus scrape finds, with the values the workload implies.</summary>
public sealed class MetricsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Metrics_count_requests_watches_messages_and_writes_of_a_scripted_workload()
    {
        await using var harness = new MetaManagerHarness();
        var client = harness.Client;
        for (var i = 0; i < 5; i++)
        {
            var (created, _) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"cm{{{i}}}"}}""");
            Assert.Equal(HttpStatusCode.Created, created);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/cm0")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/missing")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync("/api/v1/madeup-things")).Code);
        await harness.SendAsync(MetaManagerHarness.From(Sources.EdgeController, Operations.Insert, "default/configmap/from-cloud",
            MetaManagerHarness.ConfigMap("from-cloud", "v")));
        await harness.BarrierAsync();

        var watch = await WatchStream.OpenAsync(client, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        for (var i = 0; i < 7; i++)
        {
            await watch.NextChangeAsync(); // the five and the cloud's as ADDED, then one made while watching
            if (i == 5)
            {
                Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"live"}}""")).Code);
            }
        }

        var open = await ScrapeUntilAsync(client, m => m.Get("edgemeta_watch_events_total{outcome=\"sent\"}") == 7, "seven watch events counted as sent");
        Assert.Equal(1, open.Get("edgemeta_watchers"));
        Assert.Equal(0, open.Get("edgemeta_watch_events_total{outcome=\"dropped\"}"));
        Assert.Equal(6, open.Get(Requests("create", "configmaps", 201)));
        Assert.Equal(1, open.Get(Requests("get", "configmaps", 200)));
        Assert.Equal(1, open.Get(Requests("get", "configmaps", 404)));
        Assert.Equal(1, open.Get("edgemeta_requests_total{verb=\"list\",group=\"\",resource=\"\",subresource=\"\",code=\"404\"}"));
        Assert.Equal(6, open.Get("edgemeta_request_duration_seconds_count{verb=\"create\",group=\"\",resource=\"configmaps\",subresource=\"\"}"));
        Assert.Equal(6, open.Get("edgemeta_request_duration_seconds_bucket{verb=\"create\",group=\"\",resource=\"configmaps\",subresource=\"\",le=\"+Inf\"}"));
        Assert.InRange(open.Get("edgemeta_request_duration_seconds_sum{verb=\"create\",group=\"\",resource=\"configmaps\",subresource=\"\"}"), 1e-6, 30);

        // Four system namespaces, six configmaps over the API and the cloud's message, at least.
        Assert.InRange(open.Get("edgemeta_store_writes_total"), 11, 100);
        Assert.InRange(open.Get("edgemeta_store_transactions_total"), 1, open.Get("edgemeta_store_writes_total"));
        Assert.True(open.Get("edgemeta_store_commit_seconds_total") > 0);
        var (_, list) = await client.GetJsonAsync("/api/v1/configmaps");
        Assert.Equal(long.Parse(list.Meta("resourceVersion"), CultureInfo.InvariantCulture), open.Get("edgemeta_store_revision"));
        Assert.True(open.Get("edgemeta_database_size_bytes{file=\"db\"}") > 0);
        Assert.InRange(open.Get("edgemeta_metamanager_messages_total{outcome=\"processed\"}"), 2, 100); // the insert and the barrier
        Assert.Equal(0, open.Get("edgemeta_metamanager_messages_total{outcome=\"refused\"}"));
        Assert.Equal(0, open.Get("edgemeta_metamanager_queue_depth"));
        Assert.Equal(1, open.Get("edgemeta_metamanager_messages_by_kind_total{operation=\"insert\",source=\"edgecontroller\",outcome=\"processed\"}"));
        Assert.DoesNotContain("edgemeta_cloudlink_connected", open.Text); // standalone: no link to report

        await watch.DisposeAsync();
        var closed = await ScrapeUntilAsync(client, m => m.Get("edgemeta_watchers") == 0, "the watch to end");
        Assert.Equal(1, closed.Get(Requests("watch", "configmaps", 200)));
        Assert.Contains("# TYPE edgemeta_request_duration_seconds histogram", closed.Text);
        Assert.DoesNotContain("verb=\"watch\"", string.Join('\n', closed.Text.Split('\n').Where(l => l.StartsWith("edgemeta_request_duration", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task An_edge_reports_its_cloud_link_state_and_outbox_depth()
    {
        var port = ServerProcess.FreePort();
        var cloud = new EdgeMetaServer(kestrel: true, databasePath: Path.Combine(_folder.Path, "cloud.db"),
            settings: new() { ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{port}" });
        _ = cloud.Address;
        await using var edge = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edge.db"), settings: new()
        {
            ["CloudLink:Server"] = $"http://127.0.0.1:{port}",
            ["CloudLink:ProbeIntervalSeconds"] = "1",
            ["CloudLink:RequestTimeoutSeconds"] = "2",
            ["CloudLink:MinBackoffMilliseconds"] = "100",
            ["CloudLink:MaxBackoffSeconds"] = "1",
            ["MetaManager:NodeName"] = "edge-1",
        });
        using var client = edge.CreateClient();

        var up = await ScrapeUntilAsync(client, m => m.Get("edgemeta_cloudlink_connected") == 1, "the link to come up");
        Assert.Equal(0, up.Get("edgemeta_cloudlink_outbox_depth"));

        await cloud.DisposeAsync();
        await ScrapeUntilAsync(client, m => m.Get("edgemeta_cloudlink_connected") == 0, "the link to go down");
    }

    private static string Requests(string verb, string resource, int code) =>
        $"edgemeta_requests_total{{verb=\"{verb}\",group=\"\",resource=\"{resource}\",subresource=\"\",code=\"{code}\"}}";

    private static async Task<Scrape> ScrapeUntilAsync(HttpClient client, Func<Scrape, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            using var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
            var scrape = new Scrape(await response.Content.ReadAsStringAsync());
            if (condition(scrape))
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}:\n{scrape.Text}");
            await Task.Delay(50);
        }
    }

    /// <summary>One scrape in Prometheus text format: series (name and labels, as written) to value.</summary>
    private sealed class Scrape(string text)
    {
        private readonly Dictionary<string, double> _series = text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .ToDictionary(l => l[..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

        public string Text { get; } = text;

        public double Get(string series) => _series.TryGetValue(series, out var value) ? value : double.NaN;
    }
}
