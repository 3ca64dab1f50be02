using System.Text;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// Which block-context styles can carry a string unchanged, judged the way libyaml's emitter (inside go-yaml v2)
/// judges it; the writer falls back from plain to single-quoted to double-quoted on these answers.
/// </summary>
internal readonly record struct YamlScalarAnalysis(bool Multiline, bool PlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed)
{
    public static YamlScalarAnalysis Analyze(string value)
    {
        if (value.Length == 0)
        {
            return new YamlScalarAnalysis(Multiline: false, PlainAllowed: true, SingleQuotedAllowed: true, BlockAllowed: false);
        }

        // A document marker at the start would end the document.
        var indicators = value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal);
        bool lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
        var precededByWhitespace = true;

        for (var i = 0; i < value.Length;)
        {
            var c = CodePointAt(value, i, out var length);
            var next = i + length;
            var followedByWhitespace = next >= value.Length || value[next] is ' ' or '\t';

            if (i == 0)
            {
                switch (c)
                {
                    case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`':
                        indicators = true;
                        break;
                    case '?' or ':' or '-' when followedByWhitespace:
                        indicators = true;
                        break;
                }
            }
            else if ((c == ':' && followedByWhitespace) || (c == '#' && precededByWhitespace))
            {
                indicators = true;
            }

            if (!IsPrintable(c))
            {
                special = true;
            }

            if (c == ' ')
            {
                leadingSpace |= i == 0;
                trailingSpace |= next == value.Length;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                lineBreaks = true;
                leadingBreak |= i == 0;
                trailingBreak |= next == value.Length;
                spaceBreak |= previousSpace;
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }

            precededByWhitespace = c is ' ' or '\t' or '\0' || IsBreak(c);
            i = next;
        }

        var plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks || indicators);
        var singleQuoted = !(breakSpace || spaceBreak || special);
        var block = !(trailingSpace || spaceBreak || special);
        return new YamlScalarAnalysis(lineBreaks, plain, singleQuoted, block);
    }

    /// <summary>The code point at <paramref name="index"/>; a lone surrogate reads as U+FFFD, one char long.</summary>
    public static int CodePointAt(string text, int index, out int length)
    {
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out length);
        return rune.Value;
    }

    /// <summary>Line breaks as YAML 1.1 counts them: also NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR.</summary>
    public static bool IsBreak(int c) => c is '\r' or '\n' or 0x85 or 0x2028 or 0x2029;

    /// <summary>
    /// What libyaml prints as is. Characters outside the Basic Multilingual Plane are not among them, so go-yaml
    /// writes an emoji as "\U0001F600"; we do the same.
    /// </summary>
    public static bool IsPrintable(int c) =>
        c is '\n' or (>= 0x20 and <= 0x7E) or (>= 0xA0 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) && c != 0xFEFF;
}
