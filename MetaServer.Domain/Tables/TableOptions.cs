namespace MetaServer.Domain.Tables;

/// <summary>The query parameters of a Table request, validated the way the apiserver validates them.</summary>
public sealed record TableOptions(IncludeObject IncludeObject)
{
    public static TableOptions Default { get; } = new(IncludeObject.Metadata);

    /// <summary>
    /// Reads <c>includeObject</c>: absent or empty means Metadata; the three names are matched exactly, as the
    /// apiserver does. On failure <paramref name="error"/> is the message of the 400 BadRequest Status to return.
    /// </summary>
    public static bool TryParse(string? includeObject, out TableOptions options, out string? error)
    {
        IncludeObject? mode = includeObject switch
        {
            null or "" or "Metadata" => IncludeObject.Metadata,
            "Object" => IncludeObject.Object,
            "None" => IncludeObject.None,
            _ => null,
        };
        if (mode is { } known)
        {
            options = known == IncludeObject.Metadata ? Default : new TableOptions(known);
            error = null;
            return true;
        }

        options = Default;
        error = $"Unable to convert to Table as requested: includeObject: Invalid value: \"{includeObject}\": " +
            "must be 'Metadata', 'Object', 'None', or empty";
        return false;
    }
}
