using System.Collections.Frozen;
using System.Globalization;

namespace MetaServer.Domain.Selection;

/// <summary>
/// Which fields each resource accepts in a field selector, and how their values are read from the stored JSON.
/// The tables follow the apiserver's field-label conversions and selectable-field sets for the resources an edge
/// node works with; every other resource gets only <c>metadata.name</c> and <c>metadata.namespace</c>.
/// </summary>
public static class SelectableFields
{
    private static readonly FieldTable Default = new(
        Table(("metadata.name", Name), ("metadata.namespace", Namespace)),
        Dedicated: false);

    private static readonly FrozenDictionary<(string Group, string Resource), FieldTable> Tables =
        new Dictionary<(string Group, string Resource), FieldTable>
        {
            [("", "pods")] = Dedicated(
                ("metadata.name", Name),
                ("metadata.namespace", Namespace),
                ("spec.nodeName", o => Text(o, "spec", "nodeName")),
                // Old v1 clients still send spec.host; the apiserver reads it as spec.nodeName.
                ("spec.host", o => Text(o, "spec", "nodeName")),
                ("spec.restartPolicy", o => Text(o, "spec", "restartPolicy")),
                ("spec.schedulerName", o => Text(o, "spec", "schedulerName")),
                ("spec.serviceAccountName", ServiceAccountName),
                ("spec.hostNetwork", o => Flag(o, "spec", "hostNetwork")),
                ("status.phase", o => Text(o, "status", "phase")),
                ("status.podIP", PodIP),
                // Accepted by the apiserver but never filled into the pod's field set, so it always reads as "".
                ("status.podIPs", _ => ""),
                ("status.nominatedNodeName", o => Text(o, "status", "nominatedNodeName"))),
            [("", "secrets")] = Dedicated(
                ("metadata.name", Name),
                ("metadata.namespace", Namespace),
                ("type", o => Text(o, "type"))),
            [("", "events")] = Dedicated(
                ("metadata.name", Name),
                ("metadata.namespace", Namespace),
                ("involvedObject.kind", o => Text(o, "involvedObject", "kind")),
                ("involvedObject.namespace", o => Text(o, "involvedObject", "namespace")),
                ("involvedObject.name", o => Text(o, "involvedObject", "name")),
                ("involvedObject.uid", o => Text(o, "involvedObject", "uid")),
                ("involvedObject.apiVersion", o => Text(o, "involvedObject", "apiVersion")),
                ("involvedObject.resourceVersion", o => Text(o, "involvedObject", "resourceVersion")),
                ("involvedObject.fieldPath", o => Text(o, "involvedObject", "fieldPath")),
                ("reason", o => Text(o, "reason")),
                ("reportingComponent", o => Text(o, "reportingComponent")),
                ("source", EventSource),
                ("type", o => Text(o, "type"))),
            // Cluster-scoped kinds with their own conversion do not accept metadata.namespace.
            [("", "nodes")] = Dedicated(
                ("metadata.name", Name),
                ("spec.unschedulable", o => Flag(o, "spec", "unschedulable"))),
            [("", "namespaces")] = Dedicated(
                ("metadata.name", Name),
                ("status.phase", o => Text(o, "status", "phase"))),
            [("", "services")] = Dedicated(
                ("metadata.name", Name),
                ("metadata.namespace", Namespace),
                ("spec.clusterIP", o => Text(o, "spec", "clusterIP")),
                ("spec.type", o => Text(o, "spec", "type"))),
            [("", "replicationcontrollers")] = Dedicated(
                ("metadata.name", Name),
                ("metadata.namespace", Namespace),
                ("status.replicas", o => Integer(o, "status", "replicas"))),
        }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> NoLabels = FrozenDictionary<string, string>.Empty;

    /// <summary>True when <paramref name="field"/> may appear in a field selector for the resource.</summary>
    public static bool IsSupported(string group, string resource, string field) =>
        TableFor(group, resource).Readers.ContainsKey(field);

    /// <summary>
    /// Every selectable field of the resource with its value in <paramref name="obj"/>: absent strings read as "",
    /// absent booleans as "false" and absent integers as "0", as the apiserver's typed objects would.
    /// </summary>
    public static Dictionary<string, string> Extract(string group, string resource, ObjectSource obj)
    {
        var readers = TableFor(group, resource).Readers;
        var fields = new Dictionary<string, string>(readers.Count, StringComparer.Ordinal);
        foreach (var (field, read) in readers)
            fields[field] = read(obj);
        return fields;
    }

    /// <summary><c>metadata.labels</c> of the object; values that are not strings are skipped.</summary>
    public static IReadOnlyDictionary<string, string> ExtractLabels(ObjectSource obj)
    {
        if (obj.Object("metadata")?.Object("labels") is not { } labels)
            return NoLabels;
        Dictionary<string, string>? result = null;
        // A repeated key's last value wins, as with Go's decoder.
        foreach (var (key, value) in labels.StringMembers())
            (result ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
        return (IReadOnlyDictionary<string, string>?)result ?? NoLabels;
    }

    /// <summary>
    /// Null when every field in the selector is selectable for the resource, otherwise the apiserver's message for
    /// the first one that is not (the caller answers 400 BadRequest with it).
    /// </summary>
    public static string? Validate(string group, string resource, FieldSelector selector)
    {
        var table = TableFor(group, resource);
        foreach (var requirement in selector.Requirements)
        {
            if (table.Readers.ContainsKey(requirement.Field))
                continue;
            // Kinds with a dedicated conversion and the generic fallback word the rejection differently.
            return table.Dedicated
                ? $"field label not supported: {requirement.Field}"
                : $"\"{requirement.Field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
        }
        return null;
    }

    private static FieldTable TableFor(string group, string resource) =>
        Tables.TryGetValue((group, resource), out var table) ? table : Default;

    private static FieldTable Dedicated(params (string Field, Func<ObjectSource, string> Read)[] fields) =>
        new(Table(fields), Dedicated: true);

    private static FrozenDictionary<string, Func<ObjectSource, string>> Table(
        params (string Field, Func<ObjectSource, string> Read)[] fields) =>
        fields.ToFrozenDictionary(f => f.Field, f => f.Read, StringComparer.Ordinal);

    private static string Name(ObjectSource obj) => Text(obj, "metadata", "name");

    private static string Namespace(ObjectSource obj) => Text(obj, "metadata", "namespace");

    // v1 still carries the deprecated spec.serviceAccount; the apiserver falls back to it.
    private static string ServiceAccountName(ObjectSource obj) =>
        Text(obj, "spec", "serviceAccountName") is { Length: > 0 } name ? name : Text(obj, "spec", "serviceAccount");

    // status.podIP wins over status.podIPs[0] when both are set, as in the apiserver's v1 conversion.
    private static string PodIP(ObjectSource obj) =>
        Text(obj, "status", "podIP") is { Length: > 0 } ip ? ip : obj.Object("status")?.FirstObjectIn("podIPs")?.Text("ip") ?? "";

    // Events written through events.k8s.io may have no source.component, only a reporting controller.
    private static string EventSource(ObjectSource obj) =>
        Text(obj, "source", "component") is { Length: > 0 } component ? component : Text(obj, "reportingComponent");

    private static string Text(ObjectSource obj, string property) => obj.Text(property);

    private static string Text(ObjectSource obj, string section, string property) => obj.Object(section)?.Text(property) ?? "";

    private static string Flag(ObjectSource obj, string section, string property) =>
        obj.Object(section)?.IsTrue(property) == true ? "true" : "false";

    private static string Integer(ObjectSource obj, string section, string property) =>
        obj.Object(section)?.Integer(property) is { } number ? number.ToString(CultureInfo.InvariantCulture) : "0";

    private sealed record FieldTable(FrozenDictionary<string, Func<ObjectSource, string>> Readers, bool Dedicated);
}
