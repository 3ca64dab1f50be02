namespace MetaServer.Domain.Selection;

/// <summary>How a <see cref="LabelRequirement"/> relates its key to its values.</summary>
public enum LabelOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>: the two spellings mean the same, so they share one operator.</summary>
    Equals,
    /// <summary><c>key!=value</c>; also matches objects without the key.</summary>
    NotEquals,
    /// <summary><c>key in (a,b)</c>.</summary>
    In,
    /// <summary><c>key notin (a,b)</c>; also matches objects without the key.</summary>
    NotIn,
    /// <summary><c>key</c>.</summary>
    Exists,
    /// <summary><c>!key</c>.</summary>
    DoesNotExist,
    /// <summary><c>key&gt;N</c>: the label value, read as a 64-bit integer, is greater than N.</summary>
    GreaterThan,
    /// <summary><c>key&lt;N</c>: the label value, read as a 64-bit integer, is less than N.</summary>
    LessThan,
}
