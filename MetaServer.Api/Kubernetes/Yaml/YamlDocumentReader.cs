using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// Reads the one YAML document of a request body into <see cref="YamlNode"/>s with YamlDotNet's event parser.
/// Only syntax is checked here; what the scalars mean is decided when converting to JSON.
/// </summary>
internal static class YamlDocumentReader
{
    /// <summary>Deeper nesting than this is refused, as go-yaml refuses past 10000; JSON writers stop at 1000.</summary>
    public const int MaxDepth = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses <paramref name="yamlUtf8"/>. An empty body, or one of comments only, is a null document (no error).
    /// Documents after the first are refused unless they are empty, as a trailing "---" leaves them.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> yamlUtf8, out YamlNode? document, out string? error)
    {
        document = null;
        if (!TryDecode(yamlUtf8, out var text, out error))
        {
            return false;
        }

        var parser = new Parser(new StringReader(text));
        YamlNode? root = null;
        var open = new Stack<OpenCollection>();
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var documents = 0;
        var extraDocumentLine = 0L;
        try
        {
            while (parser.MoveNext())
            {
                YamlNode? node;
                switch (parser.Current)
                {
                    case DocumentStart start:
                        documents++;
                        extraDocumentLine = documents > 1 ? start.Start.Line : 0;
                        continue;
                    case Scalar scalar:
                        node = new YamlScalarNode(scalar.Start.Line, scalar.Value, TagOf(scalar.Tag),
                            scalar.IsPlainImplicit && (scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific));
                        if (extraDocumentLine > 0 && open.Count == 0 && IsEmptyScalar(scalar))
                        {
                            // "---" with nothing after it: an empty document, not a second object.
                            continue;
                        }

                        Remember(anchors, scalar.Anchor, node);
                        break;
                    case SequenceStart sequence:
                        node = new YamlSequenceNode(sequence.Start.Line);
                        Remember(anchors, sequence.Anchor, node);
                        break;
                    case MappingStart mapping:
                        node = new YamlMappingNode(mapping.Start.Line);
                        Remember(anchors, mapping.Anchor, node);
                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            error = $"yaml: line {alias.Start.Line}: unknown anchor '{alias.Value.Value}' referenced";
                            return false;
                        }

                        node = new YamlAliasNode(alias.Start.Line, alias.Value.Value, target);
                        break;
                    case SequenceEnd or MappingEnd:
                        open.Pop();
                        continue;
                    default:
                        continue;
                }

                if (extraDocumentLine > 0)
                {
                    error = $"yaml: line {extraDocumentLine}: the body holds more than one YAML document; send one object per request";
                    return false;
                }

                if (open.Count == 0)
                {
                    root = node;
                }
                else
                {
                    open.Peek().Add(node);
                }

                if (node is YamlSequenceNode or YamlMappingNode)
                {
                    if (open.Count == MaxDepth)
                    {
                        error = $"yaml: line {node.Line}: exceeded max depth of {MaxDepth}";
                        return false;
                    }

                    open.Push(new OpenCollection(node));
                }
            }
        }
        catch (YamlException e)
        {
            error = $"yaml: line {e.Start.Line}: {Describe(e.Message)}";
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner trips over some broken flow collections ("key: [text\"") with this, not a YamlException.
            error = $"yaml: line {parser.Current?.End.Line ?? 1}: did not find the end of a flow collection or quoted scalar";
            return false;
        }

        document = root;
        return true;
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text, out string? error)
    {
        text = "";
        error = null;
        try
        {
            // go-yaml accepts the three encodings a BOM can announce; without one the body is UTF-8.
            if (bytes is [0xFF, 0xFE, ..])
            {
                text = Encoding.Unicode.GetString(bytes[2..]);
            }
            else if (bytes is [0xFE, 0xFF, ..])
            {
                text = Encoding.BigEndianUnicode.GetString(bytes[2..]);
            }
            else
            {
                text = StrictUtf8.GetString(bytes is [0xEF, 0xBB, 0xBF, ..] ? bytes[3..] : bytes);
            }
        }
        catch (DecoderFallbackException)
        {
            error = "yaml: invalid UTF-8 in the body";
            return false;
        }

        // YamlDotNet lets some control characters through that YAML (and go-yaml) forbid.
        var line = 1L;
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == '\n')
            {
                line++;
            }
            else if (c is not ('\t' or '\r' or 0x85 or (>= 0x20 and <= 0x7E) or (>= 0xA0 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or >= 0x10000))
            {
                error = $"yaml: line {line}: control characters are not allowed";
                return false;
            }
        }

        return true;
    }

    private static string TagOf(TagName tag) => tag.IsEmpty ? "" : tag.Value;

    private static bool IsEmptyScalar(Scalar scalar) =>
        scalar.Value.Length == 0 && scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Anchor.IsEmpty;

    private static void Remember(Dictionary<string, YamlNode> anchors, AnchorName anchor, YamlNode node)
    {
        // A later anchor of the same name replaces the earlier one for the aliases after it, as in go-yaml.
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    /// <summary>YamlDotNet says "While scanning a plain scalar, found ...". go-yaml's messages are lower-case without a stop.</summary>
    private static string Describe(string message)
    {
        var text = message.TrimEnd('.', ' ');
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : "invalid YAML";
    }

    /// <summary>A sequence or mapping still being read, and for a mapping the key that waits for its value.</summary>
    private sealed class OpenCollection(YamlNode node)
    {
        private YamlNode? _pendingKey;

        public void Add(YamlNode child)
        {
            if (node is YamlSequenceNode sequence)
            {
                sequence.Items.Add(child);
            }
            else if (_pendingKey is null)
            {
                _pendingKey = child;
            }
            else
            {
                ((YamlMappingNode)node).Entries.Add(new(_pendingKey, child));
                _pendingKey = null;
            }
        }
    }
}
