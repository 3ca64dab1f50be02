namespace MetaServer.Api.Kubernetes;

/// <summary>Limits of the Kubernetes surface.</summary>
public sealed class KubernetesApiOptions
{
    public const string Section = "KubernetesApi";

    /// <summary>Largest request body accepted; the apiserver's limit is 3 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Largest page a list answers in one response when the client gives a larger limit.</summary>
    public int MaxListLimit { get; set; } = 10_000;
}
