using System.Diagnostics.CodeAnalysis;

namespace MetaServer.Domain.Messages;

/// <summary>
/// The resource of a message at the edge: <c>namespace/resourceType/name</c> for one object, or
/// <c>namespace/resourceType</c> for every object of a type (a list query). It is also the object's key in the store.
/// </summary>
/// <remarks>
/// KubeEdge splits on every '/', so a name cannot contain one: four or more segments leave it without a type. Cluster
/// objects such as nodes still carry a namespace segment (the node agent writes <c>default/node/name</c>).
/// <see cref="NodeConnection.Resource"/> (<c>node/connection</c>) reads as namespace "node", type "connection".
/// The cloud writes <c>node/{nodeId}/</c> in front, which its hub removes before a message reaches the edge.
/// </remarks>
public readonly record struct ResourceString
{
    private const char Separator = '/';

    private ResourceString(string @namespace, string resourceType, string? name)
    {
        Namespace = @namespace;
        ResourceType = resourceType;
        Name = name;
    }

    /// <summary>May be empty; KubeEdge keeps an empty first segment as it is.</summary>
    public string Namespace { get; }

    public string ResourceType { get; }

    /// <summary>Null for a list (two segments).</summary>
    public string? Name { get; }

    /// <summary>Whether this names every object of a type rather than one object.</summary>
    public bool IsList => Name is null;

    /// <summary>The resource string of one object.</summary>
    public static ResourceString For(string @namespace, string resourceType, string name) =>
        Checked(new ResourceString(@namespace, resourceType, name));

    /// <summary>The resource string of every object of a type.</summary>
    public static ResourceString List(string @namespace, string resourceType) =>
        Checked(new ResourceString(@namespace, resourceType, null));

    /// <summary>The same object under another type, as KubeEdge keys a pod's <c>podpatch</c> or <c>podstatus</c>.</summary>
    public ResourceString WithResourceType(string resourceType) =>
        Checked(new ResourceString(Namespace, resourceType, Name));

    public static ResourceString Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Reads <c>namespace/resourceType[/name]</c>; anything else is refused with the reason.</summary>
    public static bool TryParse(string? text, out ResourceString value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "resource is empty: expected namespace/resourceType[/name]";
            return false;
        }
        var first = text.IndexOf(Separator);
        if (first < 0)
        {
            error = $"resource \"{text}\" has no resource type: expected namespace/resourceType[/name]";
            return false;
        }
        var second = text.IndexOf(Separator, first + 1);
        if (second >= 0 && text.IndexOf(Separator, second + 1) >= 0)
        {
            error = $"resource \"{text}\" has more than three segments: expected namespace/resourceType[/name], and a name cannot contain '/'";
            return false;
        }
        var candidate = second < 0
            ? new ResourceString(text[..first], text[(first + 1)..], null)
            : new ResourceString(text[..first], text[(first + 1)..second], text[(second + 1)..]);
        error = candidate.Check();
        if (error is not null)
        {
            error = $"resource \"{text}\" {error}";
            return false;
        }
        value = candidate;
        return true;
    }

    public override string ToString() =>
        Name is null ? $"{Namespace}{Separator}{ResourceType}" : $"{Namespace}{Separator}{ResourceType}{Separator}{Name}";

    private static ResourceString Checked(ResourceString value) =>
        value.Check() is { } error ? throw new ArgumentException($"resource \"{value}\" {error}") : value;

    private string? Check()
    {
        if (Namespace.Contains(Separator) || ResourceType.Contains(Separator) || (Name?.Contains(Separator) ?? false))
            return "has a segment containing '/'";
        if (ResourceType.Length == 0)
            return "has an empty resource type";
        // "ns/type/" would be read by KubeEdge as a list; refusing it keeps one spelling per meaning.
        if (Name is { Length: 0 })
            return "has an empty name";
        return null;
    }
}
