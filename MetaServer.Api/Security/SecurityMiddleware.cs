using MetaServer.Api.Kubernetes;
using MetaServer.Domain.Authorization;
using MetaServer.Domain.Kubernetes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace MetaServer.Api.Security;

/// <summary>
/// Authentication and authorization for every request, in the API server's order: a client certificate that
/// chains to the client CA, else a service account bearer token; nothing accepted is 401. The request is then
/// resolved to its RequestInfo (kept as a request feature, so the API dispatch does not parse it again) and RBAC
/// decides; a denial is 403 with the API server's wording. Health probes are answered to anyone.
/// </summary>
internal sealed partial class SecurityMiddleware(RequestDelegate next, RbacAuthorizer authorizer, BearerTokens tokens, UpstreamTokenReviews upstreamReviews,
    ILogger<SecurityMiddleware> logger)
{
    private const string BearerPrefix = "Bearer ";

    public async Task InvokeAsync(HttpContext http)
    {
        var info = RequestInfoParser.Parse(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.Query["watch"]);
        http.Features.Set(info);

        var user = await AuthenticateAsync(http);
        if (user is null)
        {
            if (IsHealthProbe(info))
            {
                await next(http);
                return;
            }

            await KubeResults.Status(KubeStatus.Unauthorized()).ExecuteAsync(http);
            return;
        }

        http.Features.Set(user);
        var request = AccessRequest.From(user, info);
        if (!authorizer.Authorize(request).Allowed)
        {
            Log.Denied(logger, user.Name, request.Verb, info.IsResourceRequest ? request.ResourceWithSubresource : request.Path, request.Namespace);
            await KubeResults.Status(Denials.Forbidden(request)).ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    private async Task<UserInfo?> AuthenticateAsync(HttpContext http)
    {
        if (http.Connection.ClientCertificate is { } certificate)
        {
            var result = await http.AuthenticateAsync(CertificateAuthenticationDefaults.AuthenticationScheme);
            if (result.Succeeded && result.Principal?.Identity is KubeIdentity identity)
            {
                return identity.User;
            }

            // A certificate that does not chain to the client CA is ignored, as by the API server: a token may follow.
            Log.CertificateRejected(logger, certificate.Subject, result.Failure?.Message ?? "no identity in the subject");
        }

        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } header && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = header[BearerPrefix.Length..].Trim();
            var verdict = tokens.Authenticate(token);
            if (verdict.User is null && await upstreamReviews.ReviewAsync(token, http.RequestAborted) is { } reviewed)
            {
                // Not verifiable here: the cloud's TokenReview (cached) decides, as the API server's webhook would.
                verdict = reviewed;
            }

            if (verdict.User is null)
            {
                Log.TokenRejected(logger, verdict.Refusal ?? "unknown");
            }

            return verdict.User;
        }

        return null;
    }

    // Probes carry no credentials (kubelet, Docker); like the API server's public-info-viewer, they answer anyone.
    private static bool IsHealthProbe(RequestInfo info) =>
        !info.IsResourceRequest && info.Verb is "get" or "head" && info.Path is "/healthz" or "/livez" or "/readyz";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Client certificate {Subject} not accepted: {Reason}")]
        public static partial void CertificateRejected(ILogger logger, string subject, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Bearer token not accepted: {Reason}")]
        public static partial void TokenRejected(ILogger logger, string reason);

        [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Denied {User} {Verb} {Resource} in namespace {Namespace}")]
        public static partial void Denied(ILogger logger, string user, string verb, string resource, string @namespace);
    }
}
