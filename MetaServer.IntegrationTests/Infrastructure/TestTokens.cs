using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>Service account tokens as the API server issues them (compact JWS, ES256), signed in the test.</summary>
public static class TestTokens
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    public static string ServiceAccount(ECDsa key, string @namespace, string name, string issuer = Issuer, string audience = Issuer,
        DateTimeOffset? expires = null, DateTimeOffset? notBefore = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audience),
            ["exp"] = (expires ?? now.AddHours(1)).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["nbf"] = (notBefore ?? now).ToUnixTimeSeconds(),
            ["sub"] = $"system:serviceaccount:{@namespace}:{name}",
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = @namespace,
                ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = Guid.NewGuid().ToString() },
            },
        };
        return Sign(key, claims);
    }

    public static string Sign(ECDsa key, JsonObject claims)
    {
        var header = Part(Encoding.UTF8.GetBytes("""{"alg":"ES256","kid":"test"}"""));
        var payload = Part(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256);
        return header + "." + payload + "." + Part(signature);
    }

    public static string WritePublicKey(ECDsa key, string folder, string name)
    {
        var path = Path.Combine(folder, name + ".pub");
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private static string Part(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
