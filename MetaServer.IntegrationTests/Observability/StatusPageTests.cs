using System.Net;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Observability;

/// <summary>/ui: the status page shows the node, the mode, the link and what is stored, as HTML.</summary>
public sealed class StatusPageTests
{
    [Fact]
    public async Task The_status_page_shows_the_node_mode_object_counts_and_open_watches_html_encoded()
    {
        await using var server = new EdgeMetaServer(settings: new() { ["MetaManager:NodeName"] = "edge&1<x>" });
        using var client = server.CreateClient();
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"}}""")).Code);
        }

        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/default/pods",
            """{"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}""")).Code);
        await using var watch = await WatchStream.OpenAsync(client, "/api/v1/pods?watch=true");

        using var response = await client.GetAsync("/ui");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>EdgeMeta · edge&amp;1&lt;x&gt;</title>", html);
        Assert.Contains("<span id=\"node\">edge&amp;1&lt;x&gt;</span>", html);
        Assert.DoesNotContain("<x>", html);
        Assert.Contains("<tr><th>Mode</th><td>standalone</td></tr>", html);
        Assert.Contains("<td id=\"cloudlink\">none (standalone)</td>", html);
        Assert.Contains("<tr><td>core/v1/configmaps</td><td class=\"n\">3</td></tr>", html);
        Assert.Contains("<tr><td>core/v1/pods</td><td class=\"n\">1</td></tr>", html);
        Assert.Contains("<tr><td>core/v1/namespaces</td><td class=\"n\">4</td></tr>", html);
        Assert.Contains("<tr><th>Open</th><td>1</td></tr>", html);
        Assert.Contains("<tr><th>Writes</th><td>8</td></tr>", html);
    }

    [Fact]
    public async Task The_status_page_lists_the_latest_messages_with_their_outcome()
    {
        await using var harness = new MetaManager.MetaManagerHarness();
        await harness.SendAsync(MetaManager.MetaManagerHarness.From(global::MetaServer.Domain.Messages.Sources.EdgeController, global::MetaServer.Domain.Messages.Operations.Insert,
            "default/configmap/<shown>", MetaManager.MetaManagerHarness.ConfigMap("another-name", "v")));
        await harness.SendAsync(MetaManager.MetaManagerHarness.From(global::MetaServer.Domain.Messages.Sources.EdgeController, "frobnicate", "default/configmap/x", null));
        await harness.BarrierAsync();

        var html = await (await harness.Client.GetAsync("/ui")).Content.ReadAsStringAsync();

        Assert.Contains("<h2>Recent messages</h2>", html);
        Assert.Contains("<td>insert</td><td>edgecontroller</td><td>default/configmap/&lt;shown&gt;</td><td>refused</td>", html);
        Assert.Contains("<td>frobnicate</td><td>edgecontroller</td><td>default/configmap/x</td><td>refused</td>", html);
        Assert.Contains("<td>query</td><td>edged</td><td>barrier/podstatus/none</td><td>processed</td>", html);
    }
}
