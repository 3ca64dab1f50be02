using System.Security.Cryptography.X509Certificates;
using MetaServer.Domain.Authorization;

namespace MetaServer.Api.Security;

/// <summary>The identity a client certificate stands for, as the API server reads it: subject CN is the user, each O a group.</summary>
internal static class CertificateIdentity
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    public static UserInfo? From(X509Certificate2 certificate)
    {
        string? commonName = null;
        var organizations = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid:
                    commonName ??= rdn.GetSingleElementValue();
                    break;
                case OrganizationOid when rdn.GetSingleElementValue() is { Length: > 0 } organization:
                    organizations.Add(organization);
                    break;
            }
        }

        return string.IsNullOrEmpty(commonName) ? null : UserInfo.FromCertificate(commonName, organizations);
    }
}
