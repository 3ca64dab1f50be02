using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Security;

/// <summary>
/// The server certificate (handed to Kestrel for every TLS handshake) and the client CA bundle (the only trust
/// anchor for client certificates), each reloaded when its files change. A CA change also drops the certificate
/// authentication options and the validation cache, so the next request is checked against the new bundle.
/// </summary>
internal sealed class TlsCertificates
{
    private readonly FileBacked<SslStreamCertificateContext> _server;
    private readonly FileBacked<X509Certificate2Collection> _clientCa;
    private long _caGeneration;

    public TlsCertificates(IOptions<SecuritySettings> settings, IOptionsMonitorCache<CertificateAuthenticationOptions> optionsCache, ILogger<TlsCertificates> logger)
    {
        var tls = settings.Value.Tls;
        // The context (certificate plus its chain) is built once per load: built per handshake it would cost a chain build each time.
        _server = new FileBacked<SslStreamCertificateContext>([tls.CertificateFile!, tls.KeyFile!],
            () => SslStreamCertificateContext.Create(LoadServerCertificate(tls.CertificateFile!, tls.KeyFile!), null, offline: true),
            tls.ReloadCheckInterval, logger);
        _clientCa = new FileBacked<X509Certificate2Collection>([tls.ClientCaFile!],
            () => LoadCa(tls.ClientCaFile!), tls.ReloadCheckInterval, logger);
        _clientCa.Reloaded += _ =>
        {
            Interlocked.Increment(ref _caGeneration);
            optionsCache.TryRemove(CertificateAuthenticationDefaults.AuthenticationScheme);
        };
    }

    public X509Certificate2 ServerCertificate => _server.Current.TargetCertificate;

    public SslStreamCertificateContext ServerCertificateContext => _server.Current;

    public X509Certificate2Collection ClientCa => _clientCa.Current;

    /// <summary>Changes whenever the CA bundle is reloaded: cached validations from before no longer count.</summary>
    public long CaGeneration
    {
        get
        {
            _ = _clientCa.Current;
            return Interlocked.Read(ref _caGeneration);
        }
    }

    public static X509Certificate2 LoadServerCertificate(string certificateFile, string keyFile)
    {
        using var loaded = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // SslStream wants a key it can use for every handshake; a PKCS#12 round trip gives a persisted one on every platform.
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2Collection LoadCa(string caFile)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(caFile);
        return bundle.Count == 0 ? throw new ArgumentException($"{caFile} holds no certificate") : bundle;
    }
}
