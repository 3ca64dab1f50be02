using System.Xml;

namespace MetaServer.Api.Discovery.OpenApi;

/// <summary>
/// The descriptions of the KubernetesClient model types and properties, read from the package's XML doc file
/// (<c>KubernetesClient.xml</c>, its summaries are the upstream field comments). The file is in the NuGet package
/// but the build does not copy package doc files to the output, so where it is absent every schema simply has no
/// description.
/// </summary>
internal sealed class ModelDocs
{
    private const string ModelPrefix = "k8s.Models.";

    private readonly Dictionary<string, string> _summaries;

    private ModelDocs(Dictionary<string, string> summaries) => _summaries = summaries;

    public static ModelDocs None { get; } = new([]);

    public int Count => _summaries.Count;

    /// <summary>The doc file next to the KubernetesClient assembly, if it was deployed.</summary>
    public static string DefaultPath =>
        Path.ChangeExtension(typeof(k8s.Models.V1Pod).Assembly.Location, ".xml");

    /// <summary>The summaries of the model types and properties in <paramref name="path"/>, or none if it does not exist.</summary>
    public static ModelDocs Load(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return None;
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        while (reader.ReadToFollowing("member"))
        {
            var name = reader.GetAttribute("name");
            if (name is null || name.Length < 3 || !name.AsSpan(2).StartsWith(ModelPrefix) || name[0] is not ('T' or 'P'))
            {
                continue;
            }

            using var member = reader.ReadSubtree();
            if (member.ReadToDescendant("summary"))
            {
                var text = Normalize(member.ReadElementContentAsString());
                if (text.Length > 0)
                {
                    summaries[name] = text;
                }
            }
        }

        return new ModelDocs(summaries);
    }

    public string? OfType(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    public string? OfProperty(Type type, string property) => _summaries.GetValueOrDefault("P:" + type.FullName + "." + property);

    // The generator wraps the upstream comment at a fixed width and indents it; the lines are one paragraph again.
    private static string Normalize(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
