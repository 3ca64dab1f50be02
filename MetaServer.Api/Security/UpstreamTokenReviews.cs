using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Api.CloudLink;
using MetaServer.Domain.Authentication;
using MetaServer.Domain.Authorization;

namespace MetaServer.Api.Security;

/// <summary>
/// In edge mode, a bearer token this server cannot verify itself (its issuer's keys are not configured here) is
/// asked of the cloud with a TokenReview while connected. The answer is cached by the token's hash — an accepted
/// token for its remaining lifetime (its <c>exp</c>, at most an hour), a refused one for ten seconds — so pods keep
/// working through an outage for as long as their tokens are valid, and the cloud is not asked on every request.
/// </summary>
internal sealed class UpstreamTokenReviews(IServiceProvider services, TimeProvider clock)
{
    private static readonly TimeSpan MaxAccepted = TimeSpan.FromHours(1);
    private static readonly TimeSpan Refused = TimeSpan.FromSeconds(10);

    // Past this many cached verdicts the expired ones are dropped, so a client sending ever new bad tokens
    // cannot grow memory without bound.
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, (TokenVerdict Verdict, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The cloud's verdict on a token (cached), or null when there is no cloud to ask and nothing cached.</summary>
    public async Task<TokenVerdict?> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        var link = services.GetService<CloudLinkService>();
        if (link is null)
        {
            return null;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Verdict;
        }

        if (!link.Connected)
        {
            return null;
        }

        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = token },
        };
        (HttpStatusCode Code, JsonObject? Body) answer;
        try
        {
            answer = await services.GetRequiredService<Upstream>().SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews", review,
                cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        if ((int)answer.Code >= 300 || answer.Body?["status"] is not JsonObject status)
        {
            return null;
        }

        TokenVerdict verdict;
        DateTimeOffset until;
        if (status["authenticated"]?.GetValue<bool>() == true && status["user"]?["username"]?.GetValue<string>() is { } name)
        {
            var groups = (status["user"]!["groups"] as JsonArray ?? []).Select(g => g!.GetValue<string>()).ToList();
            verdict = new TokenVerdict(new UserInfo(name, groups), null);
            until = Expiry(token) is { } expires && expires - now < MaxAccepted ? expires : now + MaxAccepted;
        }
        else
        {
            verdict = TokenVerdict.Refused("the cloud's TokenReview refused it: " + (status["error"]?.GetValue<string>() ?? "not authenticated"));
            until = now + Refused;
        }

        if (_cache.Count >= PruneAbove)
        {
            foreach (var (staleKey, entry) in _cache)
            {
                if (entry.Until <= now)
                {
                    _cache.TryRemove(staleKey, out _);
                }
            }
        }

        if (_cache.Count < PruneAbove)
        {
            _cache[key] = (verdict, until);
        }

        return verdict;
    }

    // The exp claim of a JWT, read without verifying (the cloud verified it): only to bound the cache.
    private static DateTimeOffset? Expiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
