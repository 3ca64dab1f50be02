using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MetaServer.Api.Security;

/// <summary>Whether requests are authenticated and authorized.</summary>
public enum SecurityMode
{
    /// <summary>Nobody is asked who they are and everyone may do everything: local development on loopback only.</summary>
    None,

    /// <summary>Every request needs a client certificate or a service account token, and RBAC decides what it may do.</summary>
    Enforce,
}

/// <summary>The <c>Security</c> settings: TLS, the client CA, service account token keys, and the mode.</summary>
public sealed class SecuritySettings
{
    public const string Section = "Security";

    /// <summary>Enforce by default when HTTPS is configured, None (everyone is an administrator) otherwise.</summary>
    public SecurityMode? Mode { get; set; }

    /// <summary>Allows plain HTTP on an address other than loopback (e.g. 0.0.0.0 inside a container).</summary>
    public bool AllowInsecureHttp { get; set; }

    public TlsSettings Tls { get; set; } = new();

    public ServiceAccountSettings ServiceAccounts { get; set; } = new();

    public SecurityMode EffectiveMode => Mode ?? (Tls.Enabled ? SecurityMode.Enforce : SecurityMode.None);

    public string? Validate() => Tls.Validate() ?? ServiceAccounts.Validate();
}

/// <summary>The <c>Security:Tls</c> settings: the server's certificate and key (PEM) and the CA client certificates must chain to.</summary>
public sealed class TlsSettings
{
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ClientCaFile { get; set; }

    /// <summary>AllowCertificate (the default) lets a request without a certificate carry a token instead.</summary>
    public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.AllowCertificate;

    /// <summary>
    /// NoCheck by default: an edge node cannot count on reaching a CA's revocation list, and Offline fails every
    /// certificate whose CA publishes none. Offline or Online for CAs that do.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>How often the certificate, key and CA files are looked at for changes (rotation without restart).</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => !string.IsNullOrEmpty(CertificateFile);

    public string? Validate()
    {
        if (!Enabled)
        {
            return string.IsNullOrEmpty(KeyFile) && string.IsNullOrEmpty(ClientCaFile)
                ? null
                : "Security:Tls:CertificateFile is required when Security:Tls:KeyFile or Security:Tls:ClientCaFile is set";
        }

        return Missing("Security:Tls:CertificateFile", CertificateFile)
            ?? Missing("Security:Tls:KeyFile", KeyFile)
            ?? Missing("Security:Tls:ClientCaFile", ClientCaFile)
            ?? (ReloadCheckInterval < TimeSpan.Zero ? "Security:Tls:ReloadCheckInterval must not be negative" : null);
    }

    internal static string? Missing(string setting, string? path) =>
        string.IsNullOrEmpty(path) ? $"{setting} is required"
        : !File.Exists(path) ? $"{setting} names a file that does not exist: {path}"
        : null;
}

/// <summary>The <c>Security:ServiceAccounts</c> settings: whose tokens are accepted and the keys they are checked with.</summary>
public sealed class ServiceAccountSettings
{
    /// <summary>Accepted <c>iss</c> values, e.g. https://kubernetes.default.svc.cluster.local.</summary>
    public string[] Issuers { get; set; } = [];

    /// <summary>PEM files with the public keys (or certificates) tokens are signed with.</summary>
    public string[] KeyFiles { get; set; } = [];

    /// <summary>Accepted <c>aud</c> values; the issuers when empty, like the API server's default.</summary>
    public string[] Audiences { get; set; } = [];

    public bool Enabled => Issuers.Length > 0;

    public IReadOnlyList<string> EffectiveAudiences => Audiences.Length > 0 ? Audiences : Issuers;

    public string? Validate()
    {
        if (!Enabled)
        {
            return KeyFiles.Length > 0 ? "Security:ServiceAccounts:Issuers is required when Security:ServiceAccounts:KeyFiles is set" : null;
        }

        if (KeyFiles.Length == 0)
        {
            return "Security:ServiceAccounts:KeyFiles is required when Security:ServiceAccounts:Issuers is set";
        }

        for (var i = 0; i < KeyFiles.Length; i++)
        {
            if (TlsSettings.Missing($"Security:ServiceAccounts:KeyFiles:{i}", KeyFiles[i]) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
