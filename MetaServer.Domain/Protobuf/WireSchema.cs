using System.Collections.Frozen;

namespace MetaServer.Domain.Protobuf;

/// <summary>
/// The protobuf wire schema of the built-in kinds: our descriptor table (<see cref="WireSchemaText"/>, written by
/// tools/proto/gen-descriptors.py from the upstream generated.proto files) parsed once into messages.
/// </summary>
public sealed class WireSchema
{
    // The API groups whose kinds the table carries, and the proto package each lives in.
    private static readonly FrozenDictionary<string, string> Packages = new Dictionary<string, string>
    {
        [""] = "core",
        ["coordination.k8s.io"] = "coordination",
        ["discovery.k8s.io"] = "discovery",
        ["storage.k8s.io"] = "storage",
        ["node.k8s.io"] = "node",
        ["rbac.authorization.k8s.io"] = "rbac",
        ["meta.k8s.io"] = "meta",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, WireMessage> _messages;

    private WireSchema(FrozenDictionary<string, WireMessage> messages) => _messages = messages;

    /// <summary>The table of this build.</summary>
    public static WireSchema Default { get; } = Parse(WireSchemaText.Text);

    public WireMessage? Find(string name) => _messages.GetValueOrDefault(name);

    /// <summary>
    /// The message of a kind in a group and version ("" for core), or null when the kind has no protobuf form
    /// here (custom resources). DeleteOptions and Status are the meta.k8s.io/v1 ones in every group.
    /// </summary>
    public WireMessage? ForKind(string group, string version, string kind)
    {
        if (kind is "DeleteOptions" or "Status" or "WatchEvent")
        {
            return Find("meta.v1." + kind);
        }

        return Packages.TryGetValue(group, out var package) ? Find(package + "." + version + "." + kind) : null;
    }

    /// <summary>The message of an apiVersion ("v1", "coordination.k8s.io/v1") and kind.</summary>
    public WireMessage? ForApiVersion(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ForKind("", apiVersion, kind) : ForKind(apiVersion[..slash], apiVersion[(slash + 1)..], kind);
    }

    /// <summary>Reads the table format described in tools/proto/gen-descriptors.py.</summary>
    public static WireSchema Parse(string text)
    {
        var messages = new Dictionary<string, List<WireField>>(StringComparer.Ordinal);
        List<WireField>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ');
            if (parts.Length == 1)
            {
                current = [];
                messages.Add(line, current);
                continue;
            }

            if (current is null)
            {
                throw new FormatException("a field before any message: " + line);
            }

            current.Add(ParseField(parts));
        }

        var resolved = messages.ToDictionary(m => m.Key, m => new WireMessage(m.Key, m.Value), StringComparer.Ordinal);
        foreach (var message in resolved.Values)
        {
            foreach (var field in message.Fields.Where(f => f.Kind == WireKind.Message))
            {
                field.Message = resolved.GetValueOrDefault(field.MessageName!)
                    ?? throw new FormatException($"{message.Name}.{field.JsonName} refers to the unknown message {field.MessageName}");
            }
        }

        return new WireSchema(resolved.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static WireField ParseField(string[] parts)
    {
        var number = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var type = parts[2];
        var map = type.StartsWith("map<string,", StringComparison.Ordinal);
        if (map)
        {
            type = type["map<string,".Length..^1];
        }

        var (kind, message) = type switch
        {
            "string" => (WireKind.String, null),
            "int32" => (WireKind.Int32, null),
            "int64" => (WireKind.Int64, null),
            "bool" => (WireKind.Bool, null),
            "bytes" => (WireKind.Bytes, null),
            "meta.v1.Time" => (WireKind.Time, null),
            "meta.v1.MicroTime" => (WireKind.MicroTime, null),
            "resource.Quantity" => (WireKind.Quantity, null),
            "intstr.IntOrString" => (WireKind.IntOrString, null),
            "runtime.RawExtension" or "meta.v1.FieldsV1" => (WireKind.RawJson, null),
            _ => (WireKind.Message, type),
        };
        var flags = parts.AsSpan(3);
        return new WireField(number, parts[1], kind, message, flags.Contains("rep"), map, flags.Contains("keep"), flags.Contains("inline"));
    }
}
