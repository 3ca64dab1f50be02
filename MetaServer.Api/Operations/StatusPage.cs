using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using MetaServer.Api.MetaManager;
using MetaServer.Api.Watch;
using MetaServer.Data;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Operations;

/// <summary>
/// <c>GET /ui</c>: the status document as a small HTML page an operator can look at — node, mode, cloud link, objects
/// stored per resource, MetaManager, watch and store figures. Server-rendered, no script; it reloads every 5 s.
/// Behind the same security as the API.
/// </summary>
internal static class StatusPage
{
    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ui", RenderAsync);
        return endpoints;
    }

    private static async Task<IResult> RenderAsync(HttpContext http, SqliteStore store, StoreWriter writer, MetaManagerService meta, WatchHub watch,
        IOptions<MetaManagerOptions> options, MessageLedger ledger)
    {
        var status = await StatusEndpoint.CollectAsync(http, store, writer, meta);
        var counts = await store.CountByResourceAsync(http.RequestAborted);
        var node = options.Value.NodeName;
        var html = new StringBuilder(4096);
        html.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="5">
            <title>EdgeMeta · 
            """).Append(Encode(node)).Append("""
            </title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .up{color:#07610b}.down{color:#a30}
            </style>
            </head>
            <body>
            """);
        html.Append("<h1>EdgeMeta on <span id=\"node\">").Append(Encode(node)).Append("</span></h1>\n");

        html.Append("<h2>Server</h2>\n<table id=\"server\">\n");
        Row(html, "Mode", (string)status["mode"]!);
        Row(html, "Revision", status["revision"]!.ToString());
        Row(html, "Compacted up to", status["compactedRevision"]!.ToString());
        if (status["cloud"] is JsonObject cloud)
        {
            var connected = (bool)cloud["connected"]!;
            html.Append("<tr><th>Cloud link</th><td id=\"cloudlink\" class=\"").Append(connected ? "up" : "down").Append("\">")
                .Append(connected ? "connected" : "disconnected, serving from the local cache")
                .Append(cloud["since"] is { } since ? " since " + Encode(since.ToString()) : "").Append("</td></tr>\n");
            Row(html, "Upstream", (string)cloud["upstream"]!);
            Row(html, "Last full sync", cloud["lastSync"]?.ToString() ?? "never");
            Row(html, "Last error", cloud["lastError"]?.ToString() ?? "none");
            Row(html, "Outbox depth", cloud["outboxDepth"]!.ToString());
        }
        else
        {
            html.Append("<tr><th>Cloud link</th><td id=\"cloudlink\">none (standalone)</td></tr>\n");
        }

        html.Append("</table>\n<h2>Objects</h2>\n<table id=\"objects\">\n<tr><th>Resource</th><th>Objects</th></tr>\n");
        foreach (var (gvr, count) in counts)
        {
            html.Append("<tr><td>").Append(Encode(gvr)).Append("</td><td class=\"n\">").Append(count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        var metaManager = status["metaManager"]!;
        html.Append("</table>\n<h2>MetaManager</h2>\n<table id=\"metamanager\">\n");
        Row(html, "Messages processed", metaManager["processed"]!.ToString());
        Row(html, "Refused (answered with an error)", metaManager["refused"]!.ToString());
        Row(html, "Resent (answered from the receipt)", metaManager["resent"]!.ToString());
        Row(html, "Undelivered", metaManager["undelivered"]!.ToString());
        Row(html, "Queue depth", meta.QueueDepth.ToString(CultureInfo.InvariantCulture));

        html.Append("</table>\n<h2>Recent messages</h2>\n<table id=\"messages\">\n<tr><th>time (UTC)</th><th>operation</th><th>source</th><th>resource</th><th>outcome</th><th>id</th></tr>\n");
        foreach (var entry in ledger.Recent().Take(20))
        {
            html.Append("<tr><td>").Append(entry.At.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Encode(entry.Operation))
                .Append("</td><td>").Append(Encode(entry.Source))
                .Append("</td><td>").Append(Encode(entry.Resource))
                .Append("</td><td>").Append(Encode(entry.Outcome))
                .Append("</td><td>").Append(Encode(entry.Id)).Append("</td></tr>\n");
        }

        var (sent, dropped) = watch.Events;
        html.Append("</table>\n<h2>Watches</h2>\n<table id=\"watches\">\n");
        Row(html, "Open", watch.ActiveWatchers.ToString(CultureInfo.InvariantCulture));
        Row(html, "Events sent", sent.ToString(CultureInfo.InvariantCulture));
        Row(html, "Events dropped", dropped.ToString(CultureInfo.InvariantCulture));
        Row(html, "Watchers cut off", watch.CutOffCount.ToString(CultureInfo.InvariantCulture));

        var writes = status["writer"]!;
        html.Append("</table>\n<h2>Store</h2>\n<table id=\"store\">\n");
        Row(html, "File", store.FilePath);
        Row(html, "Transactions", writes["transactions"]!.ToString());
        Row(html, "Writes", writes["writes"]!.ToString());
        html.Append("</table>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
