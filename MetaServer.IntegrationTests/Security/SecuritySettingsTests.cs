using System.Net;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Security;

/// <summary>Security settings that cannot work stop start-up with one message naming the setting.</summary>
public sealed class SecuritySettingsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:10550",
        "Kestrel:Endpoints:Http:Url serves plain HTTP on a non-loopback address (http://0.0.0.0:10550); use HTTPS or set Security:AllowInsecureHttp=true")]
    [InlineData("Kestrel:Endpoints:Http:Url", "https://127.0.0.1:10550",
        "Kestrel:Endpoints:Http:Url is https (https://127.0.0.1:10550) but Security:Tls:CertificateFile is not set")]
    [InlineData("Security:Tls:CertificateFile", "/nonexistent/server.crt", "Security:Tls:CertificateFile names a file that does not exist: /nonexistent/server.crt")]
    [InlineData("Security:Tls:ClientCaFile", "/nonexistent/ca.crt", "Security:Tls:CertificateFile is required when Security:Tls:KeyFile or Security:Tls:ClientCaFile is set")]
    [InlineData("Security:ServiceAccounts:Issuers:0", "https://kubernetes.default.svc",
        "Security:ServiceAccounts:KeyFiles is required when Security:ServiceAccounts:Issuers is set")]
    [InlineData("Security:Mode", "Sometimes", "Security:Mode")]
    public void An_unusable_security_setting_stops_start_up_naming_it(string key, string value, string message)
    {
        using var server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"), settings: new() { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void Certificate_files_that_are_not_a_certificate_and_key_stop_start_up()
    {
        var junk = Path.Combine(_folder.Path, "junk.pem");
        File.WriteAllText(junk, "not a certificate");
        using var server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"), settings: new()
        {
            ["Kestrel:Endpoints:Http:Url"] = "https://127.0.0.1:0",
            ["Security:Tls:CertificateFile"] = junk,
            ["Security:Tls:KeyFile"] = junk,
            ["Security:Tls:ClientCaFile"] = junk,
        });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains("Security: a certificate, key or CA file cannot be used", error.ToString());
    }

    [Fact]
    public async Task Plain_HTTP_elsewhere_than_loopback_starts_when_explicitly_allowed_and_stays_unsecured()
    {
        await using var server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"), settings: new()
        {
            ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:0",
            ["Security:AllowInsecureHttp"] = "true",
        });
        using var client = server.CreateClient();
        var (code, review) = await client.PostJsonAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("system:unsecured", review["status"]!["userInfo"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Enforce_mode_on_plain_HTTP_accepts_tokens_only()
    {
        await using var server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"), settings: new()
        {
            ["Security:Mode"] = "Enforce",
        });
        using var client = server.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetJsonAsync("/api/v1/namespaces")).Code);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
