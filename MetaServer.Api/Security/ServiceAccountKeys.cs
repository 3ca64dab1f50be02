using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MetaServer.Api.Security;

/// <summary>Reads the public keys service account tokens are verified with from PEM files: public keys (RSA or EC) or certificates.</summary>
internal static class ServiceAccountKeys
{
    public static IReadOnlyList<AsymmetricAlgorithm> Load(IEnumerable<string> files)
    {
        var keys = new List<AsymmetricAlgorithm>();
        foreach (var file in files)
        {
            var before = keys.Count;
            ReadOnlySpan<char> text = File.ReadAllText(file);
            while (PemEncoding.TryFind(text, out var fields))
            {
                var label = text[fields.Label].ToString();
                var der = Convert.FromBase64String(text[fields.Base64Data].ToString());
                if (Read(label, der) is { } key)
                {
                    keys.Add(key);
                }

                text = text[fields.Location.End..];
            }

            if (keys.Count == before)
            {
                throw new ArgumentException($"{file} holds no RSA or EC public key");
            }
        }

        return keys;
    }

    private static AsymmetricAlgorithm? Read(string label, byte[] der)
    {
        switch (label)
        {
            case "RSA PUBLIC KEY":
                var rsa = RSA.Create();
                rsa.ImportRSAPublicKey(der, out _);
                return rsa;
            case "PUBLIC KEY":
                try
                {
                    var spki = RSA.Create();
                    spki.ImportSubjectPublicKeyInfo(der, out _);
                    return spki;
                }
                catch (CryptographicException)
                {
                    var ec = ECDsa.Create();
                    ec.ImportSubjectPublicKeyInfo(der, out _);
                    return ec;
                }

            case "CERTIFICATE":
                using (var certificate = X509CertificateLoader.LoadCertificate(der))
                {
                    return (AsymmetricAlgorithm?)certificate.GetRSAPublicKey() ?? certificate.GetECDsaPublicKey();
                }

            default:
                return null;
        }
    }
}
