using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Applies <c>?pretty=true</c> and <c>Accept-Encoding: gzip</c> to the answers of the Kubernetes surface (not to
/// watch streams, which go out event by event as the apiserver sends them).
/// </summary>
internal sealed class ResponseShapingMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var pretty = RequestInfoParser.IsTrue(request.Query["pretty"]);
        var gzip = AcceptsGzip(request.Headers.AcceptEncoding.ToString());
        var yaml = MediaTypes.Negotiate(request.Headers.Accept) == MediaTypes.Format.Yaml;
        if ((!pretty && !gzip && !yaml) || RequestInfoParser.Parse(request.Method, request.Path.Value ?? "/", request.Query["watch"]).Verb == "watch")
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        if (gzip)
        {
            context.Response.Headers.Vary = "Accept-Encoding";
        }

        await using var shaping = new ResponseShapingStream(context.Response, original, pretty, gzip, yaml);
        context.Response.Body = shaping;
        try
        {
            await next(context);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            await shaping.CompleteAsync(context.RequestAborted);
        }
        finally
        {
            context.Response.Body = original;
        }
    }

    private static bool AcceptsGzip(string acceptEncoding)
    {
        foreach (var coding in acceptEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = coding.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0].Equals("gzip", StringComparison.OrdinalIgnoreCase) && !parts.Skip(1).Any(p => p.Replace(" ", "") is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
            {
                return true;
            }
        }

        return false;
    }
}
