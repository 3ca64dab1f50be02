using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>The node row: Ready condition plus SchedulingDisabled, roles from labels, kubelet and OS details.</summary>
internal static class NodePrinter
{
    private const string RoleLabelPrefix = "node-role.kubernetes.io/";
    private const string LegacyRoleLabel = "kubernetes.io/role";

    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Status", "Whether the node is Ready, and SchedulingDisabled when cordoned."),
        TableColumn.Text("Roles", "Roles from the node's node-role.kubernetes.io/* and kubernetes.io/role labels."),
        TableColumn.Age,
        TableColumn.Text("Version", "The kubelet version the node reports."),
        TableColumn.WideText("Internal-IP", "The node's first InternalIP address."),
        TableColumn.WideText("External-IP", "The node's first ExternalIP address."),
        TableColumn.WideText("OS-Image", "The operating system image the node reports."),
        TableColumn.WideText("Kernel-Version", "The kernel version the node reports."),
        TableColumn.WideText("Container-Runtime", "The container runtime and version the node reports."),
    ];

    public static JsonArray Cells(JsonObject node, DateTimeOffset now)
    {
        var metadata = node.Obj("metadata");
        var status = node.Obj("status");
        var info = status.Obj("nodeInfo");

        // Only the Ready condition shows; with several, the last one wins.
        string? readiness = null;
        foreach (var condition in status.Objects("conditions"))
        {
            if (condition.Text("type") == "Ready")
                readiness = condition.Text("status") == "True" ? "Ready" : "NotReady";
        }
        var state = readiness ?? "Unknown";
        if (node.Obj("spec").Flag("unschedulable"))
            state += ",SchedulingDisabled";

        var roles = Roles(metadata.Obj("labels"));

        return
        [
            metadata.Text("name"),
            state,
            roles.Count == 0 ? "<none>" : string.Join(',', roles),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
            info.Text("kubeletVersion"),
            Address(status, "InternalIP"),
            Address(status, "ExternalIP"),
            OrUnknown(info.Text("osImage")),
            OrUnknown(info.Text("kernelVersion")),
            OrUnknown(info.Text("containerRuntimeVersion")),
        ];
    }

    private static SortedSet<string> Roles(JsonObject? labels)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        if (labels is null)
            return roles;
        foreach (var (key, _) in labels)
        {
            if (key.StartsWith(RoleLabelPrefix, StringComparison.Ordinal))
            {
                if (key.Length > RoleLabelPrefix.Length)
                    roles.Add(key[RoleLabelPrefix.Length..]);
            }
            else if (key == LegacyRoleLabel && labels.Text(key) is { Length: > 0 } role)
            {
                roles.Add(role);
            }
        }
        return roles;
    }

    private static string Address(JsonObject? status, string type)
    {
        foreach (var address in status.Objects("addresses"))
        {
            if (address.Text("type") == type)
                return address.Text("address");
        }
        return "<none>";
    }

    private static string OrUnknown(string value) => value.Length == 0 ? HumanDuration.Unknown : value;
}
