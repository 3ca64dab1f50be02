using System.Net;
using System.Text.Json.Nodes;
using MetaServer.Api.Watch;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>Lists read at a revision: continued pages and resourceVersionMatch=Exact see one consistent state.</summary>
public sealed class ListSnapshotTests() : ServerTest(new() { ["Watch:HistoryMaxChanges"] = "3", ["Watch:CompactionInterval"] = "01:00:00" })
{
    protected override async Task SeedAsync()
    {
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"},"data":{"v":"1"}}""");
        }
    }

    private static string Summary(JsonObject list) => string.Join(",",
        list["items"]!.AsArray().Select(i => $"{i!["metadata"]!["name"]}={i["data"]?["v"]}@{i["metadata"]!["resourceVersion"]}"));

    [Fact]
    public async Task Continued_pages_show_the_state_of_the_first_page_whatever_changed_since()
    {
        var (_, whole) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        var (_, first) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps?limit=2");
        var token = first["metadata"]!["continue"]!.GetValue<string>();

        // Changes in the range of the second page, after the first page was read.
        await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/c");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/d", """{"data":{"v":"2"}}""", "application/merge-patch+json");
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"cc"},"data":{"v":"1"}}""");

        var (code, second) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps?limit=2&continue=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(first.Meta("resourceVersion"), second.Meta("resourceVersion"));
        var joined = new JsonObject { ["items"] = new JsonArray([.. first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(i => i!.DeepClone())]) };
        Assert.Equal(Summary(whole), Summary(joined));
    }

    [Fact]
    public async Task An_exact_resourceVersion_lists_the_state_at_that_revision()
    {
        var (_, then) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/a");
        await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/b", """{"data":{"v":"9"}}""", "application/merge-patch+json");
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"e"}}""");

        var (code, exact) = await Client.GetJsonAsync($"/api/v1/namespaces/default/configmaps?resourceVersion={then.Meta("resourceVersion")}&resourceVersionMatch=Exact");
        var (_, now) = await Client.GetJsonAsync($"/api/v1/namespaces/default/configmaps?resourceVersion={then.Meta("resourceVersion")}&resourceVersionMatch=NotOlderThan");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(then.Meta("resourceVersion"), exact.Meta("resourceVersion"));
        Assert.Equal(Summary(then), Summary(exact));
        Assert.Equal("b=9", Summary(now).Split(',')[0][..3]);
    }

    [Fact]
    public async Task A_compacted_revision_is_410_and_a_future_one_is_504()
    {
        var (_, then) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        var old = long.Parse(then.Meta("resourceVersion")) - 3;
        for (var i = 0; i < 6; i++)
        {
            await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/a", $$$"""{"data":{"v":"{{{i}}}"}}""", "application/merge-patch+json");
        }

        await Server.Services.GetRequiredService<ChangeLogCompactor>().CompactOnceAsync(CancellationToken.None);

        var (gone, goneStatus) = await Client.GetJsonAsync($"/api/v1/namespaces/default/configmaps?resourceVersion={old}&resourceVersionMatch=Exact");
        CrudTests.AssertStatus(goneStatus, gone, HttpStatusCode.Gone, "Expired");

        var (future, futureStatus) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps?resourceVersion=999999&resourceVersionMatch=NotOlderThan");
        CrudTests.AssertStatus(futureStatus, future, HttpStatusCode.GatewayTimeout, "Timeout");
    }

    [Theory]
    [InlineData("resourceVersionMatch=Exact")]
    [InlineData("resourceVersion=0&resourceVersionMatch=Exact")]
    [InlineData("resourceVersion=5&resourceVersionMatch=Newest")]
    public async Task Contradictory_resourceVersion_parameters_are_422_Invalid(string query)
    {
        var (code, status) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps?" + query);

        CrudTests.AssertStatus(status, code, HttpStatusCode.UnprocessableEntity, "Invalid");
    }
}
