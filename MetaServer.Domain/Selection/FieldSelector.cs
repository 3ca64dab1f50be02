using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MetaServer.Domain.Selection;

/// <summary>
/// A parsed <c>?fieldSelector=</c>: comma-separated <c>field=value</c>, <c>field==value</c> and <c>field!=value</c>
/// terms that must all hold. Which fields exist is a question for <see cref="SelectableFields"/>, not for the parser.
/// </summary>
public sealed class FieldSelector
{
    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements)
    {
        _requirements = requirements;
        Requirements = Array.AsReadOnly(requirements);
    }

    /// <summary>The selector that matches every object, as an absent or empty <c>fieldSelector</c> does.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The requirements, ordered by field (stable).</summary>
    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => _requirements.Length == 0;

    /// <summary>
    /// Parses the field selector syntax as the apiserver does: terms split on unescaped commas, each term split at
    /// its first operator (the field itself has no escaping), and <c>\\</c>, <c>\,</c>, <c>\=</c> unescaped in the value.
    /// </summary>
    public static bool TryParse(
        string? text,
        [MaybeNullWhen(false)] out FieldSelector selector,
        [NotNullWhen(false)] out string? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            selector = Everything;
            return true;
        }

        var requirements = new List<FieldRequirement>();
        var termStart = 0;
        var escaping = false;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length)
            {
                var c = text[i];
                if (escaping)
                {
                    escaping = false;
                    continue;
                }
                if (c == '\\')
                {
                    escaping = true;
                    continue;
                }
                if (c != ',')
                    continue;
            }

            var term = text.AsSpan(termStart, i - termStart);
            termStart = i + 1;
            // "a=b,,c=d" and a trailing comma are accepted: empty terms select nothing away.
            if (term.IsEmpty)
                continue;
            if (!TryParseTerm(term, out var requirement, out error))
                return false;
            requirements.Add(requirement);
        }

        selector = requirements.Count == 0
            ? Everything
            : new FieldSelector([.. requirements.OrderBy(r => r.Field, StringComparer.Ordinal)]);
        return true;
    }

    /// <summary>
    /// True when all requirements hold; a field absent from <paramref name="fields"/> counts as the empty string.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(fields))
                return false;
        }
        return true;
    }

    /// <summary>The canonical selector syntax, values escaped; empty for <see cref="Everything"/>.</summary>
    public override string ToString() => string.Join<FieldRequirement>(',', _requirements);

    /// <summary>Escapes a value so that it reads back unchanged: <c>\</c>, <c>,</c> and <c>=</c> get a backslash.</summary>
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', ',', '=') < 0)
            return value;
        var text = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=')
                text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }

    private static bool TryParseTerm(
        ReadOnlySpan<char> term,
        [NotNullWhen(true)] out FieldRequirement? requirement,
        [NotNullWhen(false)] out string? error)
    {
        requirement = null;
        for (var i = 0; i < term.Length; i++)
        {
            var followedByEquals = i + 1 < term.Length && term[i + 1] == '=';
            FieldOperator @operator;
            int length;
            if (term[i] == '!' && followedByEquals)
                (@operator, length) = (FieldOperator.NotEquals, 2);
            else if (term[i] == '=')
                (@operator, length) = (FieldOperator.Equals, followedByEquals ? 2 : 1);
            else
                continue;

            var field = term[..i].ToString();
            var rawValue = term[(i + length)..];
            if (!TryUnescape(field, rawValue, out var value, out error))
                return false;
            requirement = new FieldRequirement(field, @operator, value);
            return true;
        }

        error = $"invalid field selector: can't understand '{term}', expected field=value, field==value or field!=value";
        return false;
    }

    private static bool TryUnescape(
        string field,
        ReadOnlySpan<char> raw,
        [NotNullWhen(true)] out string? value,
        [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (raw.IndexOfAny('\\', ',', '=') < 0)
        {
            value = raw.ToString();
            return true;
        }

        var text = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                if (i + 1 == raw.Length)
                {
                    error = $"invalid field selector: the value of '{field}' ends in an unfinished escape '\\'";
                    return false;
                }
                var escaped = raw[++i];
                if (escaped is not ('\\' or ',' or '='))
                {
                    error = $"invalid field selector: invalid escape sequence '\\{escaped}' in the value of '{field}'; "
                        + "only \\\\, \\, and \\= are allowed";
                    return false;
                }
                text.Append(escaped);
            }
            else if (c is ',' or '=')
            {
                error = $"invalid field selector: unescaped '{c}' in the value of '{field}'; write it as '\\{c}'";
                return false;
            }
            else
            {
                text.Append(c);
            }
        }

        value = text.ToString();
        return true;
    }
}
