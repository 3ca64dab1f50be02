using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class StorageCellsTests
{
    private static readonly string Created = Ago(TimeSpan.FromDays(12));

    [Fact]
    public void Bound_volume_shows_capacity_modes_in_fixed_order_claim_and_class()
    {
        var volume = $$"""
            {
              "apiVersion": "v1",
              "kind": "PersistentVolume",
              "metadata": { "name": "pvc-3f1b7c21", "creationTimestamp": "{{Created}}",
                            "annotations": { "pv.kubernetes.io/provisioned-by": "rancher.io/local-path" } },
              "spec": {
                "capacity": { "storage": "10Gi" },
                "accessModes": [ "ReadWriteOncePod", "ReadWriteOnce", "ReadWriteOnce" ],
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": "local-path",
                "volumeMode": "Filesystem",
                "claimRef": { "kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-db-0" },
                "hostPath": { "path": "/var/lib/rancher/pvc-3f1b7c21" }
              },
              "status": { "phase": "Bound" }
            }
            """;

        Assert.Equal(
            """["pvc-3f1b7c21","10Gi","RWO,RWOP","Delete","Bound","shop/data-db-0","local-path","<unset>","","12d","Filesystem"]""",
            CellsOf("", "persistentvolumes", volume));
    }

    [Fact]
    public void Volume_being_deleted_shows_Terminating_and_its_beta_class_annotation()
    {
        var volume = $$"""
            {
              "metadata": { "name": "old", "creationTimestamp": "{{Created}}", "deletionTimestamp": "{{Ago(TimeSpan.FromSeconds(5))}}",
                            "annotations": { "volume.beta.kubernetes.io/storage-class": "legacy" } },
              "spec": { "storageClassName": "ignored", "accessModes": [ "ReadOnlyMany", "ReadWriteMany" ],
                        "persistentVolumeReclaimPolicy": "Retain", "volumeAttributesClassName": "gold" },
              "status": { "phase": "Released", "reason": "ClaimDeleted" }
            }
            """;

        Assert.Equal(
            """["old","0","ROX,RWX","Retain","Terminating","","legacy","gold","ClaimDeleted","12d","<unset>"]""",
            CellsOf("", "persistentvolumes", volume));
    }

    [Fact]
    public void Bound_claim_shows_the_volume_capacity_and_modes()
    {
        var claim = $$"""
            {
              "apiVersion": "v1",
              "kind": "PersistentVolumeClaim",
              "metadata": { "name": "data-db-0", "namespace": "shop", "creationTimestamp": "{{Created}}" },
              "spec": { "accessModes": [ "ReadWriteOnce" ], "resources": { "requests": { "storage": "8Gi" } },
                        "storageClassName": "local-path", "volumeMode": "Filesystem", "volumeName": "pvc-3f1b7c21" },
              "status": { "phase": "Bound", "accessModes": [ "ReadWriteOnce" ], "capacity": { "storage": "10Gi" } }
            }
            """;

        Assert.Equal(
            """["data-db-0","Bound","pvc-3f1b7c21","10Gi","RWO","local-path","<unset>","12d","Filesystem"]""",
            CellsOf("", "persistentvolumeclaims", claim));
    }

    [Fact]
    public void Pending_claim_shows_no_capacity_or_modes_even_when_it_requests_some()
    {
        var claim = $$"""
            {
              "metadata": { "name": "scratch", "namespace": "shop", "creationTimestamp": "{{Created}}" },
              "spec": { "accessModes": [ "ReadWriteOnce" ], "resources": { "requests": { "storage": "1Gi" } } },
              "status": { "phase": "Pending" }
            }
            """;

        Assert.Equal(
            """["scratch","Pending","","","","","<unset>","12d","<unset>"]""",
            CellsOf("", "persistentvolumeclaims", claim));
    }

    [Fact]
    public void Volume_attachment_shows_attacher_volume_node_and_attached_flag()
    {
        var attachment = $$"""
            {
              "apiVersion": "storage.k8s.io/v1",
              "kind": "VolumeAttachment",
              "metadata": { "name": "csi-5a9e0b", "creationTimestamp": "{{Created}}" },
              "spec": { "attacher": "ebs.csi.aws.com", "nodeName": "edge-1",
                        "source": { "persistentVolumeName": "pvc-3f1b7c21" } },
              "status": { "attached": true, "attachmentMetadata": { "devicePath": "/dev/xvdba" } }
            }
            """;

        Assert.Equal(
            """["csi-5a9e0b","ebs.csi.aws.com","pvc-3f1b7c21","edge-1",true,"12d"]""",
            CellsOf("storage.k8s.io", "volumeattachments", attachment));
        Assert.Equal(
            """["inline","x","","n",false,"<unknown>"]""",
            CellsOf("storage.k8s.io", "volumeattachments",
                """{ "metadata": { "name": "inline" }, "spec": { "attacher": "x", "nodeName": "n", "source": { "inlineVolumeSpec": {} } } }"""));
    }

    [Fact]
    public void Csi_node_counts_its_drivers()
    {
        var csiNode = $$"""
            {
              "apiVersion": "storage.k8s.io/v1",
              "kind": "CSINode",
              "metadata": { "name": "edge-1", "creationTimestamp": "{{Created}}" },
              "spec": { "drivers": [ { "name": "ebs.csi.aws.com", "nodeID": "i-0abc" }, { "name": "smb.csi.k8s.io", "nodeID": "edge-1" } ] }
            }
            """;

        Assert.Equal("""["edge-1",2,"12d"]""", CellsOf("storage.k8s.io", "csinodes", csiNode));
    }
}
