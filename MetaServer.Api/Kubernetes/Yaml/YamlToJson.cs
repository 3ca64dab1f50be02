using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// Gives a parsed YAML document its JSON value the way sigs.k8s.io/yaml's YAMLToJSON does over go-yaml v2:
/// YAML 1.1 scalars, merge keys applied in document order, non-string keys turned into strings, and the
/// alias-expansion limits that keep a small body from growing into a huge object.
/// </summary>
internal sealed class YamlToJson
{
    private const string TagPrefix = "tag:yaml.org,2002:";
    private const int AliasRatioRangeLow = 400_000;
    private const int AliasRatioRangeHigh = 4_000_000;

    private readonly HashSet<YamlAliasNode> _expanding = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _duplicateKeys = [];
    private int _decodeCount;
    private int _aliasCount;
    private int _aliasDepth;
    private string? _error;

    private YamlToJson()
    {
    }

    /// <summary>
    /// Converts <paramref name="document"/> (null for an empty body, which is JSON null). Later duplicate keys win,
    /// as in YAMLToJSON; each one is also reported in go-yaml's strict wording ("line 5: key \"name\" already set
    /// in map") for callers that validate fields strictly, as the apiserver does with fieldValidation=Strict.
    /// </summary>
    public static bool TryConvert(YamlNode? document, out JsonNode? json, out IReadOnlyList<string> duplicateKeys, out string? error)
    {
        var converter = new YamlToJson();
        json = null;
        duplicateKeys = converter._duplicateKeys;
        error = null;
        if (document is null)
        {
            return true;
        }

        if (!converter.TryValue(document, 1, out json))
        {
            json = null;
            error = converter._error;
            return false;
        }

        return true;
    }

    private bool TryValue(YamlNode node, int depth, out JsonNode? value)
    {
        value = null;
        if (!TryCount(node) || !TryDescend(node, depth))
        {
            return false;
        }

        switch (node)
        {
            case YamlAliasNode alias:
                if (!TryEnter(alias))
                {
                    return false;
                }

                var ok = TryValue(alias.Target, depth, out value);
                Leave(alias);
                return ok;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Items)
                {
                    if (!TryValue(item, depth + 1, out var element))
                    {
                        return false;
                    }

                    array.Add(element);
                }

                value = array;
                return true;
            case YamlMappingNode mapping:
                var target = new JsonObject();
                value = target;
                return TryFill(mapping, target, new HashSet<string>(StringComparer.Ordinal), depth);
            default:
                return TryScalarValue((YamlScalarNode)node, out value);
        }
    }

    /// <summary>Adds the entries of <paramref name="mapping"/> to <paramref name="target"/>; merges write into the same object.</summary>
    private bool TryFill(YamlMappingNode mapping, JsonObject target, HashSet<string> seen, int depth)
    {
        foreach (var (keyNode, valueNode) in mapping.Entries)
        {
            if (keyNode is YamlScalarNode { Value: "<<" } mergeKey && (mergeKey.PlainImplicit || mergeKey.Tag == TagPrefix + "merge"))
            {
                if (!TryMerge(valueNode, target, seen, depth))
                {
                    return false;
                }

                continue;
            }

            if (!TryKey(keyNode, out var identity, out var name, out var display) || !TryValue(valueNode, depth + 1, out var value))
            {
                return false;
            }

            if (!seen.Add(identity))
            {
                _duplicateKeys.Add($"line {valueNode.Line}: key {display} already set in map");
            }

            target[name] = value;
        }

        return true;
    }

    /// <summary>
    /// go-yaml applies a merge where it stands, so keys after <c>&lt;&lt;</c> override merged ones and keys before
    /// it are overridden; of a list of merged maps the earlier ones win.
    /// </summary>
    private bool TryMerge(YamlNode value, JsonObject target, HashSet<string> seen, int depth)
    {
        if (value is not YamlSequenceNode list)
        {
            return TryMergeOne(value, target, seen, depth);
        }

        for (var i = list.Items.Count - 1; i >= 0; i--)
        {
            if (!TryMergeOne(list.Items[i], target, seen, depth))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryMergeOne(YamlNode value, JsonObject target, HashSet<string> seen, int depth)
    {
        switch (value)
        {
            case YamlMappingNode mapping:
                return TryCount(mapping) && TryFill(mapping, target, seen, depth);
            case YamlAliasNode { Target: YamlMappingNode aliased } alias:
                if (!TryCount(alias) || !TryEnter(alias))
                {
                    return false;
                }

                var ok = TryCount(aliased) && TryFill(aliased, target, seen, depth);
                Leave(alias);
                return ok;
            default:
                return Fail(value, "map merge requires map or sequence of maps as the value");
        }
    }

    /// <summary>
    /// A key's JSON name as sigs.k8s.io/yaml gives it (1 → "1", yes → "true", 1.5 → "1.5"), the identity go-yaml
    /// compares keys by (1 and "1" are different keys there) and how go-yaml prints it in a duplicate-key message.
    /// </summary>
    private bool TryKey(YamlNode node, out string identity, out string name, out string display)
    {
        identity = name = display = "";
        if (!TryCount(node))
        {
            return false;
        }

        switch (node)
        {
            case YamlAliasNode { Target: YamlSequenceNode or YamlMappingNode } alias:
                return Fail(alias, "invalid map key: a sequence or mapping cannot be a key in JSON");
            case YamlAliasNode alias:
                if (!TryEnter(alias))
                {
                    return false;
                }

                var ok = TryKey(alias.Target, out identity, out name, out display);
                Leave(alias);
                return ok;
            case YamlSequenceNode or YamlMappingNode:
                return Fail(node, "invalid map key: a sequence or mapping cannot be a key in JSON");
        }

        if (!TryScalar((YamlScalarNode)node, out var scalar, out var text))
        {
            return false;
        }

        switch (scalar.Kind)
        {
            case YamlScalarKind.String or YamlScalarKind.Timestamp:
                (identity, name, display) = ("s:" + text, text, Quote(text));
                return true;
            case YamlScalarKind.Bool:
                name = scalar.Bool ? "true" : "false";
                (identity, display) = ("b:" + name, name);
                return true;
            case YamlScalarKind.Int:
                name = scalar.Int.ToString(CultureInfo.InvariantCulture);
                (identity, display) = ("i:" + name, name);
                return true;
            case YamlScalarKind.Float:
                // Float keys are printed at float32 precision by sigs.k8s.io/yaml; NaN is never equal to another key.
                name = GoFloatFormat.FormatG(scalar.Float, singlePrecision: true) switch
                {
                    "+Inf" => ".inf",
                    "-Inf" => "-.inf",
                    "NaN" => ".nan",
                    var formatted => formatted,
                };
                display = GoFloatFormat.FormatG(scalar.Float);
                identity = double.IsNaN(scalar.Float) ? "nan:" + _decodeCount : "f:" + display;
                return true;
            case YamlScalarKind.UInt:
                return Fail(node, $"unsupported map key of type uint64: {text}");
            default:
                return Fail(node, "unsupported map key: null cannot be a key in JSON");
        }
    }

    private bool TryScalarValue(YamlScalarNode node, out JsonNode? value)
    {
        value = null;
        if (!TryScalar(node, out var scalar, out var text))
        {
            return false;
        }

        switch (scalar.Kind)
        {
            case YamlScalarKind.String or YamlScalarKind.Timestamp:
                value = JsonValue.Create(text);
                return true;
            case YamlScalarKind.Bool:
                value = JsonValue.Create(scalar.Bool);
                return true;
            case YamlScalarKind.Int:
                value = JsonValue.Create(scalar.Int);
                return true;
            case YamlScalarKind.UInt:
                value = JsonValue.Create(scalar.UInt);
                return true;
            case YamlScalarKind.Float when double.IsFinite(scalar.Float):
                // Written as Go's encoding/json writes a float64, so "1e6" becomes 1000000, as from the apiserver.
                value = JsonNode.Parse(GoFloatFormat.FormatJson(scalar.Float));
                return true;
            case YamlScalarKind.Float:
                return Fail(node, $"json: unsupported value: {GoFloatFormat.FormatG(scalar.Float)} ({node.Value} has no JSON form)");
            default:
                return true;
        }
    }

    /// <summary>
    /// A scalar's meaning: plain untagged text is resolved, quoted and block text is a string, and the standard
    /// tags are honoured as go-yaml honours them (!!str 123 is "123", !!int "12" is 12, !!binary is decoded).
    /// </summary>
    private bool TryScalar(YamlScalarNode node, out YamlScalar scalar, out string text)
    {
        text = node.Value;
        scalar = new YamlScalar(YamlScalarKind.String);
        if (node.Tag.Length == 0)
        {
            if (node.PlainImplicit)
            {
                scalar = YamlScalar.Resolve(text);
            }

            return true;
        }

        if (!node.Tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            // "!" and local tags ("!foo") leave the text a string.
            return true;
        }

        var tag = node.Tag[TagPrefix.Length..];
        switch (tag)
        {
            case "binary":
                return TryDecodeBase64(node, out text);
            case "null" or "bool" or "int" or "float" or "timestamp":
                scalar = YamlScalar.Resolve(text);
                var resolved = NameOf(scalar.Kind);
                if (resolved == tag)
                {
                    return true;
                }

                if (tag == "float" && scalar.Kind == YamlScalarKind.Int)
                {
                    scalar = new YamlScalar(YamlScalarKind.Float, Float: scalar.Int);
                    return true;
                }

                return Fail(node, $"cannot decode !!{resolved} `{text}` as a !!{tag}");
            default:
                return true;
        }
    }

    private static string NameOf(YamlScalarKind kind) => kind switch
    {
        YamlScalarKind.Null => "null",
        YamlScalarKind.Bool => "bool",
        YamlScalarKind.Int or YamlScalarKind.UInt => "int",
        YamlScalarKind.Float => "float",
        YamlScalarKind.Timestamp => "timestamp",
        _ => "str",
    };

    private bool TryDecodeBase64(YamlScalarNode node, out string text)
    {
        // Go's decoder skips line breaks, nothing else.
        var compact = node.Value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var bytes = new byte[(compact.Length / 4 * 3) + 3];
        if (compact.AsSpan().ContainsAny(" \t") || !Convert.TryFromBase64String(compact, bytes, out var written))
        {
            text = "";
            return Fail(node, "!!binary value contains invalid base64 data");
        }

        text = Encoding.UTF8.GetString(bytes, 0, written);
        return true;
    }

    private bool TryCount(YamlNode node)
    {
        _decodeCount++;
        if (_aliasDepth > 0)
        {
            _aliasCount++;
        }

        if (_aliasCount > 100 && _decodeCount > 1000 && (double)_aliasCount / _decodeCount > AllowedAliasRatio(_decodeCount))
        {
            return Fail(node, "document contains excessive aliasing");
        }

        return true;
    }

    /// <summary>go-yaml's budget: up to 99% of a small document may come from aliases, sliding to 10% for a huge one.</summary>
    private static double AllowedAliasRatio(int decodeCount) => decodeCount switch
    {
        <= AliasRatioRangeLow => 0.99,
        >= AliasRatioRangeHigh => 0.10,
        _ => 0.99 - (0.89 * ((double)(decodeCount - AliasRatioRangeLow) / (AliasRatioRangeHigh - AliasRatioRangeLow))),
    };

    private bool TryDescend(YamlNode node, int depth)
    {
        if (depth > YamlDocumentReader.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            return Fail(node, $"exceeded max depth of {YamlDocumentReader.MaxDepth}");
        }

        return true;
    }

    private bool TryEnter(YamlAliasNode alias)
    {
        if (!_expanding.Add(alias))
        {
            return Fail(alias, $"anchor '{alias.Name}' value contains itself");
        }

        _aliasDepth++;
        return true;
    }

    private void Leave(YamlAliasNode alias)
    {
        _aliasDepth--;
        _expanding.Remove(alias);
    }

    private bool Fail(YamlNode node, string message)
    {
        _error ??= $"yaml: line {node.Line}: {message}";
        return false;
    }

    /// <summary>A string key as Go's %#v prints it in go-yaml's messages.</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                '\r' => builder.Append("\\r"),
                < ' ' => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}
