namespace MetaServer.Domain.Selection;

/// <summary>One comma-separated term of a field selector, with its value already unescaped.</summary>
public sealed record FieldRequirement(string Field, FieldOperator Operator, string Value)
{
    /// <summary>True when the term holds; a field absent from <paramref name="fields"/> counts as the empty string.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        var actual = fields.TryGetValue(Field, out var found) ? found : "";
        var equal = string.Equals(actual, Value, StringComparison.Ordinal);
        return Operator == FieldOperator.Equals ? equal : !equal;
    }

    /// <summary>The selector syntax for this term, with <c>\</c>, <c>,</c> and <c>=</c> in the value escaped.</summary>
    public override string ToString() =>
        Field + (Operator == FieldOperator.Equals ? "=" : "!=") + FieldSelector.Escape(Value);
}
