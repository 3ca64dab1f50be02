using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>Rows of persistentvolumes, persistentvolumeclaims, volumeattachments and csinodes.</summary>
internal static class StoragePrinter
{
    // Still honoured before spec.storageClassName, as the apiserver does.
    private const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    public static IReadOnlyList<TableColumn> VolumeColumns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Capacity", "The volume's storage capacity."),
        TableColumn.Text("Access Modes", "How the volume can be mounted: RWO, ROX, RWX, RWOP."),
        TableColumn.Text("Reclaim Policy", "What happens to the volume when its claim is released."),
        TableColumn.Text("Status", "The volume's phase, or Terminating while it is deleted."),
        TableColumn.Text("Claim", "The claim bound to the volume, as namespace/name."),
        TableColumn.Text("StorageClass", "The volume's storage class."),
        TableColumn.Text("VolumeAttributesClass", "The volume's attributes class."),
        TableColumn.Text("Reason", "Why the volume is in its phase."),
        TableColumn.Age,
        TableColumn.WideText("VolumeMode", "Filesystem or Block."),
    ];

    public static IReadOnlyList<TableColumn> ClaimColumns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Status", "The claim's phase, or Terminating while it is deleted."),
        TableColumn.Text("Volume", "The volume bound to the claim."),
        TableColumn.Text("Capacity", "The storage capacity of the bound volume."),
        TableColumn.Text("Access Modes", "The access modes of the bound volume."),
        TableColumn.Text("StorageClass", "The storage class the claim asks for."),
        TableColumn.Text("VolumeAttributesClass", "The attributes class the claim asks for."),
        TableColumn.Age,
        TableColumn.WideText("VolumeMode", "Filesystem or Block."),
    ];

    public static IReadOnlyList<TableColumn> AttachmentColumns { get; } =
    [
        TableColumn.ObjectName,
        new("Attacher", "string", "name", "The CSI driver that attaches the volume.", 0),
        TableColumn.Text("PV", "The persistent volume being attached."),
        TableColumn.Text("Node", "The node the volume is attached to."),
        new("Attached", "boolean", "", "Whether the volume is attached.", 0),
        TableColumn.Age,
    ];

    public static IReadOnlyList<TableColumn> CsiNodeColumns { get; } =
    [
        TableColumn.ObjectName,
        new("Drivers", "integer", "", "How many CSI drivers are registered on the node.", 0),
        TableColumn.Age,
    ];

    public static JsonArray VolumeCells(JsonObject volume, DateTimeOffset now)
    {
        var metadata = volume.Obj("metadata");
        var spec = volume.Obj("spec");
        var status = volume.Obj("status");

        var claimRef = spec.Obj("claimRef");
        var claim = claimRef is null ? "" : claimRef.Text("namespace") + "/" + claimRef.Text("name");
        var phase = metadata.Has("deletionTimestamp") ? "Terminating" : status.Text("phase");
        var storageClass = metadata.Obj("annotations").TextOrNull(BetaStorageClassAnnotation) ?? spec.Text("storageClassName");

        return
        [
            metadata.Text("name"),
            Storage(spec.Obj("capacity")),
            AccessModes(spec),
            spec.Text("persistentVolumeReclaimPolicy"),
            phase,
            claim,
            storageClass,
            spec.TextOrNull("volumeAttributesClassName") ?? "<unset>",
            status.Text("reason"),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
            spec.TextOrNull("volumeMode") ?? "<unset>",
        ];
    }

    public static JsonArray ClaimCells(JsonObject claim, DateTimeOffset now)
    {
        var metadata = claim.Obj("metadata");
        var spec = claim.Obj("spec");
        var status = claim.Obj("status");

        var phase = metadata.Has("deletionTimestamp") ? "Terminating" : status.Text("phase");
        var volumeName = spec.Text("volumeName");

        // Capacity and access modes are the bound volume's, so an unbound claim shows neither.
        var bound = volumeName.Length > 0;
        var storageClass = metadata.Obj("annotations").TextOrNull(BetaStorageClassAnnotation) ?? spec.Text("storageClassName");

        return
        [
            metadata.Text("name"),
            phase,
            volumeName,
            bound ? Storage(status.Obj("capacity")) : "",
            bound ? AccessModes(status) : "",
            storageClass,
            spec.TextOrNull("volumeAttributesClassName") ?? "<unset>",
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
            spec.TextOrNull("volumeMode") ?? "<unset>",
        ];
    }

    public static JsonArray AttachmentCells(JsonObject attachment, DateTimeOffset now)
    {
        var metadata = attachment.Obj("metadata");
        var spec = attachment.Obj("spec");
        return
        [
            metadata.Text("name"),
            spec.Text("attacher"),
            spec.Obj("source").Text("persistentVolumeName"),
            spec.Text("nodeName"),
            attachment.Obj("status").Flag("attached"),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
        ];
    }

    public static JsonArray CsiNodeCells(JsonObject csiNode, DateTimeOffset now)
    {
        var metadata = csiNode.Obj("metadata");
        return
        [
            metadata.Text("name"),
            (long)csiNode.Obj("spec").CountOf("drivers"),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
        ];
    }

    // Quantities are shown as stored: the apiserver already wrote them in canonical form. None reads as "0".
    private static string Storage(JsonObject? resources) => resources?["storage"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text => text,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        _ => "0",
    };

    // Always in the order RWO, ROX, RWX, RWOP, whatever order the object lists them in.
    private static string AccessModes(JsonObject? owner)
    {
        var modes = new HashSet<string>(owner.Strings("accessModes"), StringComparer.Ordinal);
        var shown = new List<string>(4);
        if (modes.Contains("ReadWriteOnce"))
            shown.Add("RWO");
        if (modes.Contains("ReadOnlyMany"))
            shown.Add("ROX");
        if (modes.Contains("ReadWriteMany"))
            shown.Add("RWX");
        if (modes.Contains("ReadWriteOncePod"))
            shown.Add("RWOP");
        return string.Join(',', shown);
    }
}
