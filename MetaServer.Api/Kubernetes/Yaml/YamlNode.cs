namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// One node of a parsed YAML document, before any value is given to it. Aliases stay references to their
/// anchored node so that merge keys and alias expansion can follow go-yaml's order and limits when converting.
/// </summary>
internal abstract class YamlNode(long line)
{
    /// <summary>The 1-based line the node starts on, for error messages.</summary>
    public long Line { get; } = line;
}

/// <summary>A scalar with its text, its tag (empty when none) and whether it was written plain and untagged.</summary>
internal sealed class YamlScalarNode(long line, string value, string tag, bool plainImplicit) : YamlNode(line)
{
    public string Value { get; } = value;

    /// <summary>The resolved tag ("tag:yaml.org,2002:int", "!custom", "!"), or empty for none.</summary>
    public string Tag { get; } = tag;

    /// <summary>True for plain scalars without a specific tag: only those are resolved to null, bool or number.</summary>
    public bool PlainImplicit { get; } = plainImplicit;
}

/// <summary>A block or flow sequence.</summary>
internal sealed class YamlSequenceNode(long line) : YamlNode(line)
{
    public List<YamlNode> Items { get; } = [];
}

/// <summary>A block or flow mapping, its keys and values in document order.</summary>
internal sealed class YamlMappingNode(long line) : YamlNode(line)
{
    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = [];
}

/// <summary>An alias (<c>*name</c>) and the node its anchor named when it was read.</summary>
internal sealed class YamlAliasNode(long line, string name, YamlNode target) : YamlNode(line)
{
    public string Name { get; } = name;

    public YamlNode Target { get; } = target;
}
