namespace MetaServer.Api.CloudLink;

/// <summary>
/// The upstream Kubernetes API server this edge syncs from (section "CloudLink"). With neither
/// <see cref="Kubeconfig"/> nor <see cref="Server"/> set, EdgeMeta runs standalone and the link is off.
/// </summary>
public sealed class CloudLinkOptions
{
    public const string Section = "CloudLink";

    /// <summary>A kubeconfig file for the upstream (its current context unless <see cref="Context"/> is set).</summary>
    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    /// <summary>Or the upstream's URL, with the files and token below.</summary>
    public string? Server { get; set; }

    /// <summary>PEM file of the CA that signed the upstream's serving certificate.</summary>
    public string? CertificateAuthority { get; set; }

    public string? ClientCertificate { get; set; }

    public string? ClientKey { get; set; }

    /// <summary>A bearer token (e.g. a service account token) for the upstream.</summary>
    public string? Token { get; set; }

    /// <summary>More resources to sync whole, as "group/version/resource" ("core/v1/..." or "/v1/..." for the core group).</summary>
    public List<string> ExtraResources { get; set; } = [];

    /// <summary>How often the link is probed while up; a failed probe takes it down.</summary>
    public int ProbeIntervalSeconds { get; set; } = 5;

    /// <summary>How long one request to the upstream (not a watch) may take.</summary>
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Reconnect backoff: first wait, doubled per failure up to the maximum, each with ±20% jitter.</summary>
    public int MinBackoffMilliseconds { get; set; } = 500;

    public int MaxBackoffSeconds { get; set; } = 30;

    internal bool Enabled => !string.IsNullOrWhiteSpace(Kubeconfig) || !string.IsNullOrWhiteSpace(Server);

    internal string? Validate()
    {
        if (!string.IsNullOrWhiteSpace(Kubeconfig) && !string.IsNullOrWhiteSpace(Server))
        {
            return "CloudLink: set either Kubeconfig or Server, not both";
        }

        if (!string.IsNullOrWhiteSpace(Kubeconfig) && !File.Exists(Kubeconfig))
        {
            return $"CloudLink:Kubeconfig names a file that does not exist: {Kubeconfig}";
        }

        if (!string.IsNullOrWhiteSpace(Server) && !Uri.TryCreate(Server, UriKind.Absolute, out _))
        {
            return "CloudLink:Server must be an absolute URL";
        }

        foreach (var file in new[] { CertificateAuthority, ClientCertificate, ClientKey })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                return $"CloudLink: the file {file} does not exist";
            }
        }

        if (ProbeIntervalSeconds is < 1 or > 600 || RequestTimeoutSeconds is < 1 or > 600)
        {
            return "CloudLink:ProbeIntervalSeconds and RequestTimeoutSeconds must be between 1 and 600";
        }

        if (MinBackoffMilliseconds < 10 || MaxBackoffSeconds < 1 || MinBackoffMilliseconds > MaxBackoffSeconds * 1000)
        {
            return "CloudLink:MinBackoffMilliseconds must be at least 10 and not above MaxBackoffSeconds";
        }

        foreach (var extra in ExtraResources)
        {
            if (extra.Split('/') is not { Length: 3 } parts || parts[1].Length == 0 || parts[2].Length == 0)
            {
                return $"CloudLink:ExtraResources entry \"{extra}\" must be group/version/resource";
            }
        }

        return null;
    }
}
