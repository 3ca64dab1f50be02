using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace MetaServer.Api.Security;

/// <summary>
/// Remembers a client certificate's validation (chain building costs far more than the request it guards) for a
/// short while, never past the certificate's expiry and never across a change of the client CA bundle.
/// </summary>
internal sealed class CertificateValidationCache(TlsCertificates certificates, TimeProvider time) : ICertificateValidationCache
{
    private const int Capacity = 1024;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public AuthenticateResult? Get(HttpContext context, X509Certificate2 certificate)
    {
        if (_entries.TryGetValue(Key(certificate), out var entry)
            && entry.Generation == certificates.CaGeneration && time.GetUtcNow() < entry.Expires)
        {
            return entry.Result;
        }

        return null;
    }

    public void Put(HttpContext context, X509Certificate2 certificate, AuthenticateResult result)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        var now = time.GetUtcNow();
        var expires = now + Lifetime;
        if (certificate.NotAfter.ToUniversalTime() < expires.UtcDateTime)
        {
            expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        }

        _entries[Key(certificate)] = new Entry(result, certificates.CaGeneration, expires);
    }

    private static string Key(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private sealed record Entry(AuthenticateResult Result, long Generation, DateTimeOffset Expires);
}
