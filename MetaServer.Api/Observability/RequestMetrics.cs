using System.Diagnostics;
using System.Globalization;
using MetaServer.Api.CustomResources;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Observability;

/// <summary>
/// Counts every request and times it, labelled like the apiserver's <c>apiserver_request_total</c>: the Kubernetes
/// verb and the resource from the <see cref="RequestInfo"/> the security layer or the API dispatch left on the
/// request. A resource the catalog does not know is labelled "" so a scan of made-up paths cannot grow the series.
/// </summary>
internal sealed class RequestMetrics(RequestDelegate next, ServerMetrics metrics, ResourceRegistry registry)
{
    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            Record(http, Stopwatch.GetElapsedTime(started));
        }
    }

    private void Record(HttpContext http, TimeSpan elapsed)
    {
        var info = http.Features.Get<RequestInfo>();
        var verb = info?.Verb is { Length: > 0 } v ? v : MethodVerb(http.Request.Method);
        string group = "", resource = "", subresource = "";
        if (info is { IsResourceRequest: true } && registry.Current.Find(info.ApiGroup, info.ApiVersion, info.Resource) is { } type)
        {
            group = type.Group;
            resource = type.Resource;
            subresource = info.Subresource.Length > 0 && type.HasSubresource(info.Subresource) ? info.Subresource : "";
        }

        var status = http.Response.StatusCode;
        metrics.Requests.WithLabels(verb, group, resource, subresource, status is >= 0 and < 600 ? Codes[status] : "other").Inc();
        if (verb != "watch")
        {
            metrics.Latency.WithLabels(verb, group, resource, subresource).Observe(elapsed.TotalSeconds);
        }
    }

    private static string MethodVerb(string method) => method switch
    {
        "GET" => "get",
        "HEAD" => "head",
        "POST" => "post",
        "PUT" => "put",
        "PATCH" => "patch",
        "DELETE" => "delete",
        "OPTIONS" => "options",
        _ => "other",
    };
}
