using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// Writes a JSON value as the apiserver's YAML serializer (sigs.k8s.io/yaml's JSONToYAML, go-yaml v2's emitter)
/// writes it: block style with two-space indentation, lists at their key's indentation, keys in go-yaml's order,
/// strings quoted only when they would read back as something else, multi-line strings as literal blocks, and
/// long plain or quoted strings folded at 80 columns as go-yaml v2 folds them.
/// </summary>
internal sealed class YamlEmitter
{
    private const int BestIndent = 2;
    private const int BestWidth = 80;

    /// <summary>Keys longer than this (in UTF-8 bytes) are written as explicit "? key" entries, as libyaml does.</summary>
    private const int MaxSimpleKeyLength = 128;

    private const int ChunkSize = 8192;

    private readonly IBufferWriter<byte> _output;
    private readonly byte[] _chunk;
    private int _position;
    private int _indent = -1;
    private int _column;

    /// <summary>The last thing written was whitespace (or nothing): an indicator needs no space before it.</summary>
    private bool _whitespace = true;

    /// <summary>Only indentation (and "- " indicators) written on this line so far.</summary>
    private bool _indention = true;

    private YamlEmitter(IBufferWriter<byte> output, byte[] chunk)
    {
        _output = output;
        _chunk = chunk;
    }

    private enum Style
    {
        Plain,
        SingleQuoted,
        DoubleQuoted,
        Literal,
    }

    public static void Write(JsonElement value, IBufferWriter<byte> output)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var emitter = new YamlEmitter(output, chunk);
            emitter.EmitNode(value, inMapping: false);
            // The document ends on a line of its own.
            emitter.WriteIndent();
            emitter.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void EmitNode(JsonElement value, bool inMapping)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.GetPropertyCount() > 0:
                EmitMapping(value);
                break;
            case JsonValueKind.Object:
                EmitEmpty("{", "}");
                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                EmitSequence(value, inMapping);
                break;
            case JsonValueKind.Array:
                EmitEmpty("[", "]");
                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                EmitString(text, YamlScalarAnalysis.Analyze(text), simpleKey: false);
                break;
            case JsonValueKind.Number:
                EmitNumber(value.GetRawText());
                break;
            case JsonValueKind.True:
                EmitScalar("true", Style.Plain, YamlScalarAnalysis.Analyze("true"), simpleKey: false);
                break;
            case JsonValueKind.False:
                EmitScalar("false", Style.Plain, YamlScalarAnalysis.Analyze("false"), simpleKey: false);
                break;
            default:
                EmitScalar("null", Style.Plain, YamlScalarAnalysis.Analyze("null"), simpleKey: false);
                break;
        }
    }

    private void EmitMapping(JsonElement value)
    {
        var entries = SortedEntries(value);
        var saved = _indent;
        IncreaseIndent(flow: false, indentless: false);
        foreach (var (key, entry) in entries)
        {
            WriteIndent();
            var analysis = YamlScalarAnalysis.Analyze(key);
            if (!analysis.Multiline && Encoding.UTF8.GetByteCount(key) <= MaxSimpleKeyLength)
            {
                EmitString(key, analysis, simpleKey: true);
                WriteIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false);
            }
            else
            {
                WriteIndicator("?", needWhitespace: true, isWhitespace: false, isIndention: true);
                EmitString(key, analysis, simpleKey: false);
                WriteIndent();
                WriteIndicator(":", needWhitespace: true, isWhitespace: false, isIndention: true);
            }

            EmitNode(entry, inMapping: true);
        }

        _indent = saved;
    }

    /// <summary>Properties in go-yaml's key order; of duplicate names the last one counts, as when Go decodes them.</summary>
    private static List<(string Key, JsonElement Value)> SortedEntries(JsonElement value)
    {
        var count = value.GetPropertyCount();
        var keys = new (int[] CodePoints, string Name, int Index)[count];
        var values = new JsonElement[count];
        var index = 0;
        foreach (var property in value.EnumerateObject())
        {
            keys[index] = (YamlKeyOrder.CodePoints(property.Name), property.Name, index);
            values[index] = property.Value;
            index++;
        }

        Array.Sort(keys, static (a, b) =>
        {
            var order = YamlKeyOrder.Instance.Compare(a.CodePoints, b.CodePoints);
            if (order == 0)
            {
                order = string.CompareOrdinal(a.Name, b.Name);
            }

            return order != 0 ? order : b.Index.CompareTo(a.Index);
        });

        var entries = new List<(string, JsonElement)>(count);
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && keys[i].Name == keys[i - 1].Name)
            {
                continue;
            }

            entries.Add((keys[i].Name, values[keys[i].Index]));
        }

        return entries;
    }

    private void EmitSequence(JsonElement value, bool inMapping)
    {
        var saved = _indent;
        // A list that is a mapping's value starts its "- " at the key's indentation.
        IncreaseIndent(flow: false, indentless: inMapping && !_indention);
        foreach (var item in value.EnumerateArray())
        {
            WriteIndent();
            WriteIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true);
            EmitNode(item, inMapping: false);
        }

        _indent = saved;
    }

    /// <summary>An empty map or list is the one place go-yaml writes flow style: "{}" and "[]".</summary>
    private void EmitEmpty(string open, string close)
    {
        WriteIndicator(open, needWhitespace: true, isWhitespace: true, isIndention: false);
        WriteIndicator(close, needWhitespace: false, isWhitespace: false, isIndention: false);
    }

    private void EmitNumber(string text)
    {
        // go-yaml reads the JSON number as YAML first: 1.0 becomes the float 1 and is written "1", 1e6 "1e+06".
        var scalar = YamlScalar.Resolve(text);
        var written = scalar.Kind switch
        {
            YamlScalarKind.Int => scalar.Int.ToString(CultureInfo.InvariantCulture),
            YamlScalarKind.UInt => scalar.UInt.ToString(CultureInfo.InvariantCulture),
            YamlScalarKind.Float => GoFloatFormat.FormatG(scalar.Float),
            _ => null,
        };
        if (written is null)
        {
            // A number Go cannot hold (1e400) stays the text it was.
            EmitString(text, YamlScalarAnalysis.Analyze(text), simpleKey: false);
            return;
        }

        EmitScalar(written, Style.Plain, YamlScalarAnalysis.Analyze(written), simpleKey: false);
    }

    private void EmitString(string text, YamlScalarAnalysis analysis, bool simpleKey)
    {
        var style = text.Contains('\n') ? Style.Literal
            : ReadsBackAsString(text) ? Style.Plain
            : Style.DoubleQuoted;
        EmitScalar(text, style, analysis, simpleKey);
    }

    /// <summary>
    /// Whether the text, written plain, would read back as this string and not as null, a boolean, a number or a
    /// timestamp. go-yaml writes "&lt;&lt;" plain, which then reads as a merge key; we quote it.
    /// </summary>
    private static bool ReadsBackAsString(string text) =>
        text != "<<" && YamlScalar.Resolve(text).Kind == YamlScalarKind.String && !YamlScalar.IsBase60Float(text);

    private void EmitScalar(string value, Style requested, YamlScalarAnalysis analysis, bool simpleKey)
    {
        var style = requested;
        if (simpleKey && analysis.Multiline)
        {
            style = Style.DoubleQuoted;
        }

        if (style == Style.Plain && (!analysis.PlainAllowed || (value.Length == 0 && simpleKey)))
        {
            style = Style.SingleQuoted;
        }

        if (style == Style.SingleQuoted && !analysis.SingleQuotedAllowed)
        {
            style = Style.DoubleQuoted;
        }

        if (style == Style.Literal && (!analysis.BlockAllowed || simpleKey))
        {
            style = Style.DoubleQuoted;
        }

        var saved = _indent;
        IncreaseIndent(flow: true, indentless: false);
        switch (style)
        {
            case Style.Plain or Style.SingleQuoted:
                WritePlainOrSingleQuoted(value, allowBreaks: !simpleKey, singleQuoted: style == Style.SingleQuoted);
                break;
            case Style.DoubleQuoted:
                WriteDoubleQuoted(value, allowBreaks: !simpleKey);
                break;
            default:
                WriteLiteral(value);
                break;
        }

        _indent = saved;
    }

    /// <summary>Plain and single-quoted text differ only in their quotes and in doubling the quote inside.</summary>
    private void WritePlainOrSingleQuoted(string value, bool allowBreaks, bool singleQuoted)
    {
        if (singleQuoted)
        {
            WriteIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false);
        }
        else if (!_whitespace)
        {
            PutAscii(' ');
        }

        var spaces = false;
        var breaks = false;
        for (var i = 0; i < value.Length;)
        {
            var c = YamlScalarAnalysis.CodePointAt(value, i, out var length);
            if (c == ' ')
            {
                // Fold at the first single space past the width (never the first or last character); the line
                // break reads back as that space.
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < value.Length - 1 && !IsSpaceAt(value, i + 1))
                {
                    WriteIndent();
                }
                else
                {
                    PutAscii(' ');
                }

                spaces = true;
            }
            else if (YamlScalarAnalysis.IsBreak(c))
            {
                // One break would fold into a space, so a line feed is written as an empty line first.
                if (!breaks && c == '\n')
                {
                    PutBreak();
                }

                WriteBreak(c);
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                {
                    WriteIndent();
                }

                if (singleQuoted && c == '\'')
                {
                    PutAscii('\'');
                }

                Put(c);
                _indention = false;
                spaces = false;
                breaks = false;
            }

            i += length;
        }

        if (singleQuoted)
        {
            WriteIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false);
        }

        _whitespace = false;
        _indention = false;
    }

    private void WriteDoubleQuoted(string value, bool allowBreaks)
    {
        WriteIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false);
        // libyaml escapes every character of a string that starts with a byte order mark.
        var escapeAll = value.StartsWith('\uFEFF');
        var spaces = false;
        for (var i = 0; i < value.Length;)
        {
            var c = YamlScalarAnalysis.CodePointAt(value, i, out var length);
            if (escapeAll || !YamlScalarAnalysis.IsPrintable(c) || YamlScalarAnalysis.IsBreak(c) || c is '"' or '\\')
            {
                PutAscii('\\');
                PutEscape(c);
                spaces = false;
            }
            else if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < value.Length - 1)
                {
                    WriteIndent();
                    // A space that starts the next line would be eaten by folding; escaping keeps it.
                    if (IsSpaceAt(value, i + 1))
                    {
                        PutAscii('\\');
                    }
                }
                else
                {
                    PutAscii(' ');
                }

                spaces = true;
            }
            else
            {
                Put(c);
                spaces = false;
            }

            i += length;
        }

        WriteIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false);
        _whitespace = false;
        _indention = false;
    }

    private void PutEscape(int c)
    {
        var named = c switch
        {
            0x00 => '0',
            0x07 => 'a',
            0x08 => 'b',
            0x09 => 't',
            0x0A => 'n',
            0x0B => 'v',
            0x0C => 'f',
            0x0D => 'r',
            0x1B => 'e',
            '"' => '"',
            '\\' => '\\',
            0x85 => 'N',
            0xA0 => '_',
            0x2028 => 'L',
            0x2029 => 'P',
            _ => '\0',
        };
        if (named != '\0')
        {
            PutAscii(named);
            return;
        }

        var (marker, digits) = c switch
        {
            <= 0xFF => ('x', 2),
            <= 0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        PutAscii(marker);
        for (var shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            PutAscii("0123456789ABCDEF"[(c >> shift) & 0xF]);
        }
    }

    private void WriteLiteral(string value)
    {
        WriteIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false);
        // An indentation digit when the text starts with a space or an empty line, so they are not taken as indentation.
        if (value[0] == ' ' || YamlScalarAnalysis.IsBreak(YamlScalarAnalysis.CodePointAt(value, 0, out _)))
        {
            WriteIndicator("2", needWhitespace: false, isWhitespace: false, isIndention: false);
        }

        // Chomping: "|-" keeps no final line break, "|" exactly one, "|+" all of them.
        var chomp = !YamlScalarAnalysis.IsBreak(value[^1]) ? "-"
            : value.Length == 1 || YamlScalarAnalysis.IsBreak(value[^2]) ? "+"
            : null;
        if (chomp is not null)
        {
            WriteIndicator(chomp, needWhitespace: false, isWhitespace: false, isIndention: false);
        }

        PutBreak();
        _indention = true;
        _whitespace = true;
        var breaks = true;
        for (var i = 0; i < value.Length;)
        {
            var c = YamlScalarAnalysis.CodePointAt(value, i, out var length);
            if (YamlScalarAnalysis.IsBreak(c))
            {
                WriteBreak(c);
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                {
                    WriteIndent();
                }

                Put(c);
                _indention = false;
                breaks = false;
            }

            i += length;
        }
    }

    private void IncreaseIndent(bool flow, bool indentless)
    {
        if (_indent < 0)
        {
            _indent = flow ? BestIndent : 0;
        }
        else if (!indentless)
        {
            _indent += BestIndent;
        }
    }

    private void WriteIndent()
    {
        var indent = Math.Max(_indent, 0);
        if (!_indention || _column > indent || (_column == indent && !_whitespace))
        {
            PutBreak();
        }

        while (_column < indent)
        {
            PutAscii(' ');
        }

        _whitespace = true;
        _indention = true;
    }

    private void WriteIndicator(string indicator, bool needWhitespace, bool isWhitespace, bool isIndention)
    {
        if (needWhitespace && !_whitespace)
        {
            PutAscii(' ');
        }

        foreach (var c in indicator)
        {
            PutAscii(c);
        }

        _whitespace = isWhitespace;
        _indention = _indention && isIndention;
    }

    private static bool IsSpaceAt(string value, int index) => index < value.Length && value[index] == ' ';

    private void WriteBreak(int c)
    {
        if (c == '\n')
        {
            PutBreak();
            return;
        }

        Put(c);
        _column = 0;
    }

    private void PutBreak()
    {
        Reserve(1);
        _chunk[_position++] = (byte)'\n';
        _column = 0;
    }

    private void PutAscii(char c)
    {
        Reserve(1);
        _chunk[_position++] = (byte)c;
        _column++;
    }

    private void Put(int codePoint)
    {
        Reserve(4);
        _position += new Rune(codePoint).EncodeToUtf8(_chunk.AsSpan(_position));
        _column++;
    }

    private void Reserve(int bytes)
    {
        if (_position + bytes > _chunk.Length)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_position == 0)
        {
            return;
        }

        _chunk.AsSpan(0, _position).CopyTo(_output.GetSpan(_position));
        _output.Advance(_position);
        _position = 0;
    }
}
