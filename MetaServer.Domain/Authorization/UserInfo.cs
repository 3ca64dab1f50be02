namespace MetaServer.Domain.Authorization;

/// <summary>Who is asking, as the Kubernetes API server names it: a user name and the groups it belongs to.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>Every authenticated identity is in this group.</summary>
    public const string Authenticated = "system:authenticated";

    /// <summary>Members may do everything, without any role or binding.</summary>
    public const string Masters = "system:masters";

    public const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>The identity everyone has when security is off (<c>Security:Mode=None</c>): an administrator.</summary>
    public static UserInfo Unsecured { get; } = new("system:unsecured", [Masters, Authenticated]);

    public bool IsMaster => Groups.Contains(Masters, StringComparer.Ordinal);

    /// <summary>An identity from a client certificate: the subject CN is the user, its O values are groups.</summary>
    public static UserInfo FromCertificate(string commonName, IEnumerable<string> organizations) =>
        new(commonName, [.. organizations.Where(o => o != Authenticated).Distinct(StringComparer.Ordinal), Authenticated]);

    /// <summary>The identity of a service account token, with the groups the API server gives it.</summary>
    public static UserInfo ServiceAccount(string @namespace, string name) =>
        new(ServiceAccountUser(@namespace, name), ["system:serviceaccounts", "system:serviceaccounts:" + @namespace, Authenticated]);

    public static string ServiceAccountUser(string @namespace, string name) => ServiceAccountPrefix + @namespace + ":" + name;

    /// <summary>Splits "system:serviceaccount:ns:name" into its namespace and name.</summary>
    public static bool TrySplitServiceAccount(string user, out string @namespace, out string name)
    {
        @namespace = name = "";
        if (!user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = user.AsSpan(ServiceAccountPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1 || rest[(colon + 1)..].Contains(':'))
        {
            return false;
        }

        @namespace = rest[..colon].ToString();
        name = rest[(colon + 1)..].ToString();
        return true;
    }
}
