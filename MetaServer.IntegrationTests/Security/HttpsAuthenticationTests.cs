using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MetaServer.IntegrationTests.Infrastructure;
using MetaServer.IntegrationTests.Kubernetes;

namespace MetaServer.IntegrationTests.Security;

/// <summary>Who gets in over the real TLS stack: client certificates against the configured CA, and service account tokens.</summary>
public sealed class HttpsAuthenticationTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private readonly SecureServer _secure = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _secure.DisposeAsync();

    [Fact]
    public async Task Server_listens_on_https_only()
    {
        Assert.Equal("https", _secure.Address.Scheme);
        using var plain = new HttpClient { BaseAddress = new Uri("http://" + _secure.Address.Authority) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync("/version"));
    }

    [Fact]
    public async Task No_credentials_get_401_Unauthorized_but_health_probes_answer()
    {
        using var anonymous = _secure.Client();
        var (code, status) = await anonymous.GetJsonAsync(ConfigMaps);
        CrudTests.AssertStatus(status, code, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Unauthorized", status["message"]!.GetValue<string>());

        var (versionCode, _) = await anonymous.GetJsonAsync("/version");
        Assert.Equal(HttpStatusCode.Unauthorized, versionCode);

        var readyz = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
    }

    [Fact]
    public async Task Certificate_from_another_CA_is_not_accepted_401()
    {
        using var otherCa = TestCertificates.CreateCa("someone-else");
        using var stranger = _secure.Client(TestCertificates.IssueClient(otherCa, "admin", ["system:masters"]));
        var (code, status) = await stranger.GetJsonAsync(ConfigMaps);
        CrudTests.AssertStatus(status, code, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Expired_or_not_yet_valid_certificate_is_not_accepted_401()
    {
        var now = DateTimeOffset.UtcNow;
        using var expired = _secure.Client(TestCertificates.IssueClient(_secure.Ca, "admin", ["system:masters"], now.AddDays(-10), now.AddDays(-1)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetJsonAsync(ConfigMaps)).Code);

        using var early = _secure.Client(TestCertificates.IssueClient(_secure.Ca, "admin", ["system:masters"], now.AddDays(1), now.AddDays(10)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await early.GetJsonAsync(ConfigMaps)).Code);
    }

    [Fact]
    public async Task Certificate_not_meant_for_client_authentication_is_not_accepted_401()
    {
        using var serverOnly = _secure.Client(TestCertificates.IssueServerOnlyClient(_secure.Ca, "admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await serverOnly.GetJsonAsync(ConfigMaps)).Code);
    }

    [Fact]
    public async Task Client_certificate_identity_is_CN_and_O_as_whoami_shows()
    {
        using var node = _secure.ClientFor("system:node:edge-1", "system:nodes");
        var (code, review) = await node.PostJsonAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            """{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("system:node:edge-1", review["status"]!["userInfo"]!["username"]!.GetValue<string>());
        Assert.Equal(["system:nodes", "system:authenticated"],
            review["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task Service_account_token_signed_with_the_configured_key_authenticates()
    {
        using var account = _secure.TokenClient(TestTokens.ServiceAccount(_secure.TokenKey, "default", "reader"));
        var (code, review) = await account.PostJsonAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("system:serviceaccount:default:reader", review["status"]!["userInfo"]!["username"]!.GetValue<string>());
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
            review["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    public static TheoryData<string> RefusedTokens()
    {
        var data = new TheoryData<string> { "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "wrong-key", "tampered", "garbage", "not-a-service-account" };
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Bad_service_account_token_gets_401(string kind)
    {
        var key = _secure.TokenKey;
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var token = kind switch
        {
            "expired" => TestTokens.ServiceAccount(key, "default", "reader", expires: now.AddMinutes(-10)),
            "not-yet-valid" => TestTokens.ServiceAccount(key, "default", "reader", notBefore: now.AddMinutes(10)),
            "wrong-audience" => TestTokens.ServiceAccount(key, "default", "reader", audience: "https://elsewhere"),
            "wrong-issuer" => TestTokens.ServiceAccount(key, "default", "reader", issuer: "https://elsewhere"),
            "wrong-key" => TestTokens.ServiceAccount(otherKey, "default", "reader"),
            "tampered" => Tamper(TestTokens.ServiceAccount(key, "default", "reader")),
            "garbage" => "not.a.token",
            _ => TestTokens.Sign(key, new System.Text.Json.Nodes.JsonObject
            {
                ["iss"] = TestTokens.Issuer,
                ["aud"] = TestTokens.Issuer,
                ["sub"] = "jane",
                ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
            }),
        };
        using var client = _secure.TokenClient(token);
        var (code, status) = await client.GetJsonAsync(ConfigMaps);
        CrudTests.AssertStatus(status, code, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    // Another account's claims under the original signature.
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var claims = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("reader", "admin");
        return parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims)) + "." + parts[2];
    }

    [Fact]
    public async Task Server_certificate_is_reloaded_from_disk_without_restart()
    {
        string? seen = null;
        using (var before = _secure.Client(TestCertificates.IssueClient(_secure.Ca, "admin", ["system:masters"]), c => seen = c.Thumbprint))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/version")).StatusCode);
        }

        var first = seen;
        using var replacement = TestCertificates.IssueServer(_secure.Ca, "edgemeta-rotated");
        File.WriteAllText(_secure.KeyPath, replacement.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(_secure.CertificatePath, replacement.ExportCertificatePem());

        // Each attempt is a new connection (a new handler); the server looks at the files at most every 100 ms here.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (seen != replacement.Thumbprint && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            using var after = _secure.Client(TestCertificates.IssueClient(_secure.Ca, "admin", ["system:masters"]), c => seen = c.Thumbprint);
            Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/version")).StatusCode);
        }

        Assert.NotEqual(first, seen);
        Assert.Equal(replacement.Thumbprint, seen);
    }
}
