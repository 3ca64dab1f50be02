using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>Turns an unexpected failure into a 500 Status (never a bare crash page) and logs it.</summary>
internal sealed partial class StatusExceptionMiddleware(RequestDelegate next, ILogger<StatusExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex)
        {
            Log.Unhandled(logger, context.Request.Method, context.Request.Path, ex);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await KubeResults.Status(KubeStatus.InternalError("an unexpected error occurred while serving the request")).ExecuteAsync(context);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, string method, string path, Exception exception);
    }
}
