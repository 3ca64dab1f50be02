using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>
/// The server on a real Kestrel HTTPS listener on 127.0.0.1, with a CA, a server certificate and a service
/// account signing key made for it, and clients that present the certificates a test asks for.
/// </summary>
public sealed class SecureServer : IAsyncDisposable
{
    private readonly TempFolder _folder = new();

    public SecureServer(Dictionary<string, string>? extraSettings = null)
    {
        Ca = TestCertificates.CreateCa("edgemeta-test-ca");
        var (caPath, _) = TestCertificates.WritePem(Ca, _folder.Path, "ca");
        CaPath = caPath;
        (CertificatePath, KeyPath) = TestCertificates.WritePem(TestCertificates.IssueServer(Ca), _folder.Path, "server");
        TokenKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Http:Url"] = "https://127.0.0.1:0",
            ["Security:Tls:CertificateFile"] = CertificatePath,
            ["Security:Tls:KeyFile"] = KeyPath,
            ["Security:Tls:ClientCaFile"] = CaPath,
            ["Security:Tls:ReloadCheckInterval"] = "00:00:00.100",
            ["Security:ServiceAccounts:Issuers:0"] = TestTokens.Issuer,
            ["Security:ServiceAccounts:KeyFiles:0"] = TestTokens.WritePublicKey(TokenKey, _folder.Path, "sa"),
        };
        foreach (var (key, value) in extraSettings ?? [])
        {
            settings[key] = value;
        }

        Server = new EdgeMetaServer(kestrel: true, settings: settings);
    }

    public EdgeMetaServer Server { get; }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public string Folder => _folder.Path;

    /// <summary>The key service account tokens are signed with.</summary>
    public ECDsa TokenKey { get; }

    public Uri Address => Server.Address;

    /// <summary>A client presenting <paramref name="certificate"/> (or none), trusting only the test CA for the server.</summary>
    public HttpClient Client(X509Certificate2? certificate = null, Action<X509Certificate2>? serverCertificateSeen = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, server, _, _) =>
                {
                    if (server is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(Ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    var leaf = X509CertificateLoader.LoadCertificate(server.GetRawCertData());
                    serverCertificateSeen?.Invoke(leaf);
                    return chain.Build(leaf);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = Address };
    }

    /// <summary>A client for a freshly issued client certificate of <paramref name="user"/> in <paramref name="groups"/>.</summary>
    public HttpClient ClientFor(string user, params string[] groups) => Client(TestCertificates.IssueClient(Ca, user, groups));

    /// <summary>A client sending a bearer token and no certificate.</summary>
    public HttpClient TokenClient(string token)
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A kubeconfig for this server that trusts the test CA and presents <paramref name="certificate"/> (or nothing).</summary>
    public string WriteKubeconfig(string name, X509Certificate2? certificate)
    {
        var user = "{}";
        if (certificate is not null)
        {
            var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _folder.Path, name);
            user = $"{{client-certificate: {certificatePath}, client-key: {keyPath}}}";
        }

        var path = Path.Combine(_folder.Path, name + ".kubeconfig");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: edgemeta
              cluster: {server: "{{Address.ToString().TrimEnd('/')}}", certificate-authority: {{CaPath}}}
            users:
            - name: {{name}}
              user: {{user}}
            contexts:
            - name: {{name}}
              context: {cluster: edgemeta, user: {{name}}, namespace: default}
            current-context: {{name}}
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        TokenKey.Dispose();
        _folder.Dispose();
    }
}
