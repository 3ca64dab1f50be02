namespace MetaServer.Domain.Selection;

/// <summary>How a <see cref="FieldRequirement"/> compares a field with its value.</summary>
public enum FieldOperator
{
    /// <summary><c>field=value</c> or <c>field==value</c>.</summary>
    Equals,
    /// <summary><c>field!=value</c>.</summary>
    NotEquals,
}
