using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// The columns and row cells the apiserver (v1.32) puts in a meta.k8s.io/v1 Table for each kind we serve, so that
/// <c>kubectl get</c> against us prints what it prints against a real cluster. The server always fills the wide
/// columns; kubectl hides priority-1 columns unless asked for <c>-o wide</c>. Kinds without a printer, custom
/// resources in particular, get the table a CRD without printer columns gets: NAME and AGE.
/// </summary>
public static class TableConverter
{
    private sealed record Printer(
        IReadOnlyList<TableColumn> Columns,
        Func<JsonObject, DateTimeOffset, JsonArray> Cells,
        Func<JsonObject, IReadOnlyList<TableRowCondition>>? Conditions = null);

    private static readonly Printer Default = new(
        [
            TableColumn.ObjectName,
            // A CRD's implicit column: typed "date", though the server already sends the age as text.
            new("Age", "date", "", "How long ago the object was created, from metadata.creationTimestamp.", 0),
        ],
        CustomResourceCells);

    private static readonly FrozenDictionary<(string Group, string Resource), Printer> Printers =
        new Dictionary<(string Group, string Resource), Printer>
        {
            [("", "pods")] = new(PodPrinter.Columns, PodPrinter.Cells, PodPrinter.Conditions),
            [("", "services")] = new(ServicePrinter.Columns, ServicePrinter.Cells),
            [("", "nodes")] = new(NodePrinter.Columns, NodePrinter.Cells),
            [("", "events")] = new(EventPrinter.Columns, EventPrinter.Cells),
            [("", "endpoints")] = new(EndpointsPrinter.EndpointsColumns, EndpointsPrinter.EndpointsCells),
            [("discovery.k8s.io", "endpointslices")] = new(EndpointsPrinter.SliceColumns, EndpointsPrinter.SliceCells),
            [("", "persistentvolumes")] = new(StoragePrinter.VolumeColumns, StoragePrinter.VolumeCells),
            [("", "persistentvolumeclaims")] = new(StoragePrinter.ClaimColumns, StoragePrinter.ClaimCells),
            [("storage.k8s.io", "volumeattachments")] = new(StoragePrinter.AttachmentColumns, StoragePrinter.AttachmentCells),
            [("storage.k8s.io", "csinodes")] = new(StoragePrinter.CsiNodeColumns, StoragePrinter.CsiNodeCells),
            [("", "configmaps")] = new(
                [TableColumn.ObjectName, Count("Data", "Number of keys in data and binaryData."), TableColumn.Age],
                (o, now) => [Name(o), (long)(o.CountOf("data") + o.CountOf("binaryData")), Age(o, now)]),
            [("", "secrets")] = new(
                [
                    TableColumn.ObjectName,
                    TableColumn.Text("Type", "The secret's type, such as Opaque or kubernetes.io/tls."),
                    Count("Data", "Number of keys in data."),
                    TableColumn.Age,
                ],
                (o, now) => [Name(o), o.Text("type"), (long)o.CountOf("data"), Age(o, now)]),
            [("", "namespaces")] = new(
                [TableColumn.ObjectName, TableColumn.Text("Status", "Active, or Terminating while deleted."), TableColumn.Age],
                (o, now) => [Name(o), o.Obj("status").Text("phase"), Age(o, now)]),
            [("", "serviceaccounts")] = new(
                [TableColumn.ObjectName, Count("Secrets", "Number of secrets listed in the account."), TableColumn.Age],
                (o, now) => [Name(o), (long)o.CountOf("secrets"), Age(o, now)]),
            [("coordination.k8s.io", "leases")] = new(
                [TableColumn.ObjectName, TableColumn.Text("Holder", "Identity of the lease's current holder."), TableColumn.Age],
                (o, now) => [Name(o), o.Obj("spec").Text("holderIdentity"), Age(o, now)]),
            // The apiserver's default table convertor, which CRDs themselves are printed with: NAME, CREATED AT.
            [("apiextensions.k8s.io", "customresourcedefinitions")] = new(
                [TableColumn.ObjectName, new("Created At", "date", "", "When the object was created, from metadata.creationTimestamp.", 0)],
                (o, _) => [Name(o), o.Obj("metadata").Text("creationTimestamp")]),
            [("rbac.authorization.k8s.io", "roles")] = new(RbacPrinter.RoleColumns, RbacPrinter.RoleCells),
            [("rbac.authorization.k8s.io", "clusterroles")] = new(RbacPrinter.RoleColumns, RbacPrinter.RoleCells),
            [("rbac.authorization.k8s.io", "rolebindings")] = new(RbacPrinter.BindingColumns, RbacPrinter.BindingCells),
            [("rbac.authorization.k8s.io", "clusterrolebindings")] = new(RbacPrinter.BindingColumns, RbacPrinter.BindingCells),
            [("node.k8s.io", "runtimeclasses")] = new(
                [TableColumn.ObjectName, TableColumn.Text("Handler", "The CRI handler that runs pods of this class."), TableColumn.Age],
                (o, now) => [Name(o), o.Text("handler"), Age(o, now)]),
        }.ToFrozenDictionary();

    /// <summary>True when the resource has its own printer rather than the NAME/AGE default.</summary>
    public static bool HasPrinter(string group, string resource) => Printers.ContainsKey((group, resource));

    public static IReadOnlyList<TableColumn> Columns(string group, string resource) => For(group, resource).Columns;

    /// <summary>The row's cells in column order, wide columns included, with ages measured at <paramref name="now"/>.</summary>
    public static JsonArray Cells(string group, string resource, JsonObject obj, DateTimeOffset now) =>
        For(group, resource).Cells(obj, now);

    /// <summary>Row conditions; only finished pods have one.</summary>
    public static IReadOnlyList<TableRowCondition> Conditions(string group, string resource, JsonObject obj) =>
        For(group, resource).Conditions?.Invoke(obj) ?? [];

    private static Printer For(string group, string resource) =>
        Printers.TryGetValue((group, resource), out var printer) ? printer : Default;

    private static TableColumn Count(string name, string description) => new(name, "string", "", description, 0);

    private static string Name(JsonObject obj) => obj.Obj("metadata").Text("name");

    private static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(obj.Obj("metadata").Time("creationTimestamp"), now);

    // A CRD's Age column reads metadata.creationTimestamp by JSONPath: missing gives a null cell, unreadable
    // gives "<invalid>".
    private static JsonArray CustomResourceCells(JsonObject obj, DateTimeOffset now)
    {
        var metadata = obj.Obj("metadata");
        JsonNode? age = metadata.TextOrNull("creationTimestamp") switch
        {
            null => null,
            var text => JsonFields.ParseTime(text) is { } created ? HumanDuration.Format(now - created)
                : text.Length == 0 ? HumanDuration.Unknown : "<invalid>",
        };
        return [metadata.Text("name"), age];
    }
}
