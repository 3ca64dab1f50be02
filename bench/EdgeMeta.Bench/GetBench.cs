using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMeta.Bench;

/// <summary>
/// GET one URL from N concurrent loops for a while, over plain HTTP or HTTPS with a client certificate (wrk cannot
/// present one), either on kept-alive connections or with a new connection (TCP + TLS handshake) per request.
/// Prints one parseable line: requests/s, p50/p99 and errors.
/// </summary>
internal static class GetBench
{
    // gets <url> <concurrency> <seconds> <keepalive|close> [<client.crt> <client.key> <ca.crt>]
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(args[1]);
        var concurrency = int.Parse(args[2]);
        var duration = TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
        var close = args[4] == "close";
        using var client = Client(concurrency, args.Length > 7 ? (args[5], args[6], args[7]) : null);

        // Warm-up: JIT, connection pool, the server's validation cache.
        await LoopAsync(client, url, close, TimeSpan.FromSeconds(2), concurrency, []);

        var latencies = new List<double>[concurrency];
        var stopwatch = Stopwatch.StartNew();
        var errors = await LoopAsync(client, url, close, duration, concurrency, latencies);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(FormattableString.Invariant(
            $"GETS rps={all.Length / elapsed:F0} p50_ms={Percentile(all, 0.50):F2} p99_ms={Percentile(all, 0.99):F2} errors={errors}"));
        return 0;
    }

    private static async Task<int> LoopAsync(HttpClient client, Uri url, bool close, TimeSpan duration, int concurrency, List<double>[] latencies)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        var loops = Enumerable.Range(0, concurrency).Select(async i =>
        {
            var mine = latencies.Length > 0 ? latencies[i] = new List<double>(100_000) : null;
            var buffer = new byte[64 * 1024];
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.ConnectionClose = close;
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using (var body = await response.Content.ReadAsStreamAsync())
                {
                    while (await body.ReadAsync(buffer) > 0)
                    {
                    }
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }

                mine?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        await Task.WhenAll(loops);
        return errors;
    }

    private static HttpClient Client(int concurrency, (string Certificate, string Key, string Ca)? tls)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AutomaticDecompression = DecompressionMethods.None };
        if (tls is { } files)
        {
            using var pem = X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var ca = X509CertificateLoader.LoadCertificateFromFile(files.Ca);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(ca);
            // The chain SslStream builds anyway is checked against the CA: no second chain build per connection.
            handler.SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [certificate], CertificateChainPolicy = policy };
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}
