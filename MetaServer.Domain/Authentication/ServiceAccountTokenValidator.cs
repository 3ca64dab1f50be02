using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetaServer.Domain.Authorization;

namespace MetaServer.Domain.Authentication;

/// <summary>
/// Verifies Kubernetes service account tokens locally, as the API server's service account authenticator does:
/// a compact JWS signed with RS256/384/512 or ES256/384/512 by one of the configured public keys, issued by a
/// configured issuer, for one of the accepted audiences, within its validity (with a minute of leeway for clock
/// skew). The identity is <c>system:serviceaccount:{namespace}:{name}</c> with the service account groups.
/// </summary>
public sealed class ServiceAccountTokenValidator(
    IReadOnlyList<string> issuers,
    IReadOnlyList<string> audiences,
    IReadOnlyList<AsymmetricAlgorithm> keys)
{
    /// <summary>The clock skew tolerated on exp and nbf.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    public TokenVerdict Validate(string token, DateTimeOffset now)
    {
        var firstDot = token.IndexOf('.');
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot <= firstDot + 1 || secondDot == token.Length - 1 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            return TokenVerdict.Refused("not a compact JWS");
        }

        if (Decode(token.AsSpan(0, firstDot)) is not { } header || Decode(token.AsSpan(firstDot + 1, secondDot - firstDot - 1)) is not { } payload
            || Decode(token.AsSpan(secondDot + 1)) is not { } signature)
        {
            return TokenVerdict.Refused("not base64url");
        }

        try
        {
            using var headerJson = JsonDocument.Parse(header);
            var alg = headerJson.RootElement.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (!SignatureVerifies(alg, Encoding.ASCII.GetBytes(token, 0, secondDot), signature))
            {
                return TokenVerdict.Refused(alg is null or "none" || HashOf(alg) is null ? "unsupported signing algorithm" : "signature does not verify with any configured key");
            }

            using var claims = JsonDocument.Parse(payload);
            return Check(claims.RootElement, now);
        }
        catch (JsonException)
        {
            return TokenVerdict.Refused("malformed JSON");
        }
    }

    private TokenVerdict Check(JsonElement claims, DateTimeOffset now)
    {
        if (claims.ValueKind != JsonValueKind.Object)
        {
            return TokenVerdict.Refused("claims are not an object");
        }

        if (String(claims, "iss") is not { } issuer || !issuers.Contains(issuer, StringComparer.Ordinal))
        {
            return TokenVerdict.Refused("issuer not accepted");
        }

        if (!AudienceAccepted(claims))
        {
            return TokenVerdict.Refused("audience not accepted");
        }

        var seconds = now.ToUnixTimeSeconds();
        var leeway = (long)Leeway.TotalSeconds;
        if (Number(claims, "exp") is not { } exp)
        {
            return TokenVerdict.Refused("no expiry");
        }

        if (seconds > exp + leeway)
        {
            return TokenVerdict.Refused("expired");
        }

        if (Number(claims, "nbf") is { } nbf && seconds < nbf - leeway)
        {
            return TokenVerdict.Refused("not valid yet");
        }

        if (String(claims, "sub") is not { } subject || !UserInfo.TrySplitServiceAccount(subject, out var @namespace, out var name))
        {
            return TokenVerdict.Refused("subject is not a service account");
        }

        // Bound tokens repeat the account in their private claim; the two must agree.
        if (claims.TryGetProperty("kubernetes.io", out var bound) && bound.ValueKind == JsonValueKind.Object
            && (String(bound, "namespace") != @namespace
                || !bound.TryGetProperty("serviceaccount", out var account) || account.ValueKind != JsonValueKind.Object
                || String(account, "name") != name))
        {
            return TokenVerdict.Refused("subject and kubernetes.io claims disagree");
        }

        return new TokenVerdict(UserInfo.ServiceAccount(@namespace, name), null);
    }

    private bool AudienceAccepted(JsonElement claims)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            return audiences.Contains(aud.GetString()!, StringComparer.Ordinal);
        }

        if (aud.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in aud.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && audiences.Contains(item.GetString()!, StringComparer.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool SignatureVerifies(string? alg, byte[] signedBytes, byte[] signature)
    {
        if (alg is null || HashOf(alg) is not { } hash)
        {
            return false;
        }

        foreach (var key in keys)
        {
            var verified = (alg[0], key) switch
            {
                ('R', RSA rsa) => rsa.VerifyData(signedBytes, signature, hash, RSASignaturePadding.Pkcs1),
                // JWS carries ECDSA signatures as r||s (IEEE P1363), .NET's default format.
                ('E', ECDsa ec) => ec.VerifyData(signedBytes, signature, hash),
                _ => false,
            };
            if (verified)
            {
                return true;
            }
        }

        return false;
    }

    private static HashAlgorithmName? HashOf(string alg) => alg switch
    {
        "RS256" or "ES256" => HashAlgorithmName.SHA256,
        "RS384" or "ES384" => HashAlgorithmName.SHA384,
        "RS512" or "ES512" => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static byte[]? Decode(ReadOnlySpan<char> part)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
