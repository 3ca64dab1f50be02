namespace MetaServer.Domain.Tables;

/// <summary>
/// One column of a meta.k8s.io/v1 Table. <see cref="Priority"/> 0 is shown by <c>kubectl get</c>, 1 only with
/// <c>-o wide</c>; <see cref="Format"/> is "name" for the column kubectl treats as the object's name.
/// </summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority)
{
    /// <summary>A string column shown by default.</summary>
    public static TableColumn Text(string name, string description) => new(name, "string", "", description, 0);

    /// <summary>A string column shown only with <c>-o wide</c>.</summary>
    public static TableColumn WideText(string name, string description) => new(name, "string", "", description, 1);

    /// <summary>The NAME column every printer starts with.</summary>
    public static TableColumn ObjectName { get; } = new(
        "Name", "string", "name", "Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds).", 0);

    /// <summary>The AGE column: time since metadata.creationTimestamp, already formatted by the server.</summary>
    public static TableColumn Age { get; } = new(
        "Age", "string", "", "How long ago the object was created, from metadata.creationTimestamp.", 0);
}
