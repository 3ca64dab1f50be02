using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MetaServer.Domain.Selection;

/// <summary>One comma-separated term of a label selector: a key, an operator and the values it compares against.</summary>
public sealed record LabelRequirement
{
    private readonly string[] _values;

    // Parsed once here so that matching a GreaterThan/LessThan term never re-reads the bound.
    private readonly long _bound;

    private LabelRequirement(string key, LabelOperator @operator, string[] values, long bound)
    {
        Key = key;
        Operator = @operator;
        _values = values;
        _bound = bound;
        Values = new ReadOnlyCollection<string>(values);
    }

    public string Key { get; }

    public LabelOperator Operator { get; }

    /// <summary>
    /// Distinct values in ordinal order; empty for <see cref="LabelOperator.Exists"/> and
    /// <see cref="LabelOperator.DoesNotExist"/>.
    /// </summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Checks the key, the value count the operator needs, and each value; the error says what is wrong.</summary>
    internal static bool TryCreate(
        string key,
        LabelOperator @operator,
        IEnumerable<string> values,
        [NotNullWhen(true)] out LabelRequirement? requirement,
        [NotNullWhen(false)] out string? error)
    {
        requirement = null;
        if (LabelSyntax.ValidateKey(key) is { } keyError)
        {
            error = $"invalid label key \"{key}\": {keyError}";
            return false;
        }

        // Same values, same order, whatever the spelling: this keeps equality and ToString canonical.
        var distinct = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var countError = @operator switch
        {
            LabelOperator.Exists or LabelOperator.DoesNotExist when distinct.Length != 0 => "takes no values",
            LabelOperator.In or LabelOperator.NotIn when distinct.Length == 0 => "needs at least one value",
            LabelOperator.Equals or LabelOperator.NotEquals or LabelOperator.GreaterThan or LabelOperator.LessThan
                when distinct.Length != 1 => "needs exactly one value",
            _ => null,
        };
        if (countError is not null)
        {
            error = $"the {Describe(@operator)} requirement on \"{key}\" {countError}";
            return false;
        }

        long bound = 0;
        if (@operator is LabelOperator.GreaterThan or LabelOperator.LessThan && !TryParseInteger(distinct[0], out bound))
        {
            error = $"the {Describe(@operator)} requirement on \"{key}\" needs an integer value, found \"{distinct[0]}\"";
            return false;
        }

        foreach (var value in distinct)
        {
            if (LabelSyntax.ValidateValue(value) is { } valueError)
            {
                error = $"invalid label value \"{value}\" for key \"{key}\": {valueError}";
                return false;
            }
        }

        requirement = new LabelRequirement(key, @operator, distinct, bound);
        error = null;
        return true;
    }

    /// <summary>True when the labels satisfy this term; allocation-free because it runs once per listed object.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var found = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelOperator.Equals:
            case LabelOperator.In:
                return found && Contains(value!);
            case LabelOperator.NotEquals:
            case LabelOperator.NotIn:
                // Kubernetes counts an object without the key as "not equal".
                return !found || !Contains(value!);
            case LabelOperator.Exists:
                return found;
            case LabelOperator.DoesNotExist:
                return !found;
            case LabelOperator.GreaterThan:
                return found && TryParseInteger(value!, out var greater) && greater > _bound;
            case LabelOperator.LessThan:
                return found && TryParseInteger(value!, out var less) && less < _bound;
            default:
                return false;
        }
    }

    public bool Equals(LabelRequirement? other) =>
        other is not null
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && Operator == other.Operator
        && _values.AsSpan().SequenceEqual(other._values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Key, StringComparer.Ordinal);
        hash.Add(Operator);
        foreach (var value in _values)
            hash.Add(value, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>The canonical selector syntax for this term, e.g. <c>tier in (back,front)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTo(text);
        return text.ToString();
    }

    internal void AppendTo(StringBuilder text)
    {
        switch (Operator)
        {
            case LabelOperator.Exists:
                text.Append(Key);
                break;
            case LabelOperator.DoesNotExist:
                text.Append('!').Append(Key);
                break;
            case LabelOperator.In:
            case LabelOperator.NotIn:
                text.Append(Key).Append(Operator == LabelOperator.In ? " in (" : " notin (");
                text.AppendJoin(',', _values).Append(')');
                break;
            default:
                text.Append(Key).Append(Describe(Operator)).Append(_values[0]);
                break;
        }
    }

    private bool Contains(string value)
    {
        foreach (var candidate in _values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    // Go's strconv.ParseInt(s, 10, 64), which the apiserver uses, takes an optional sign and decimal digits only.
    private static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static string Describe(LabelOperator @operator) => @operator switch
    {
        LabelOperator.Equals => "=",
        LabelOperator.NotEquals => "!=",
        LabelOperator.In => "in",
        LabelOperator.NotIn => "notin",
        LabelOperator.Exists => "exists",
        LabelOperator.DoesNotExist => "!",
        LabelOperator.GreaterThan => ">",
        LabelOperator.LessThan => "<",
        _ => @operator.ToString(),
    };
}
