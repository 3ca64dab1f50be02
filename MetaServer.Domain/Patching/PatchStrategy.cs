namespace MetaServer.Domain.Patching;

/// <summary>How a field takes a strategic merge patch, as the Go <c>patchStrategy</c> tag of the built-in types says.</summary>
[Flags]
public enum PatchStrategy
{
    /// <summary>No tag: maps merge key by key, lists are replaced whole.</summary>
    None = 0,

    /// <summary>Lists merge item by item (by merge key for lists of objects, as a set for lists of primitives).</summary>
    Merge = 1,

    /// <summary>The value is replaced whole even where it is a map.</summary>
    Replace = 2,

    /// <summary>
    /// Clients send <c>$retainKeys</c> for this field (or its items) so that switching a union member clears the old one;
    /// the server honours <c>$retainKeys</c> wherever it appears, so this only documents the tag.
    /// </summary>
    RetainKeys = 4,
}
