using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Patching;

namespace MetaServer.IntegrationTests.Domain.Patching;

public sealed class StrategicMergePatchTests
{
    private const string Absent = "<absent>";

    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"web","namespace":"default","uid":"p-1",
           "labels":{"app":"web","tier":"frontend"},"annotations":{"team":"edge"},
           "finalizers":["example.com/a","example.com/b"],
           "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6d4","uid":"rs-1","controller":true}]},
         "spec":{
           "nodeName":"edge-1","nodeSelector":{"disk":"ssd"},
           "containers":[
             {"name":"app","image":"nginx:1.25","args":["--port","80"],
              "ports":[{"containerPort":80,"protocol":"TCP"}],
              "env":[{"name":"MODE","value":"prod"},{"name":"LOG","value":"info"}],
              "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"cfg","mountPath":"/etc/web"}]},
             {"name":"sidecar","image":"busybox:1.36"}],
           "volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"web-cfg"}}],
           "tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute"}]}}
        """;

    private const string Service = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[
           {"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},
           {"name":"https","port":443,"targetPort":8443,"protocol":"TCP"}]}}
        """;

    private const string Node = """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"edge-1","labels":{"node-role.kubernetes.io/edge":""}},
         "spec":{"podCIDRs":["10.0.1.0/24"],"taints":[{"key":"edge","effect":"NoSchedule"}]},
         "status":{
           "conditions":[
             {"type":"MemoryPressure","status":"False","lastHeartbeatTime":"2025-01-01T00:00:00Z"},
             {"type":"Ready","status":"True","lastHeartbeatTime":"2025-01-01T00:00:00Z"}],
           "addresses":[{"type":"InternalIP","address":"192.168.1.10"},{"type":"Hostname","address":"edge-1"}],
           "images":[{"names":["nginx:1.25"],"sizeBytes":1000}]}}
        """;

    // case, target, patch, the expected result's parts: JSON path → value
    public static TheoryData<string, string, string, string> PodCases => new()
    {
        {
            "container image changes, other containers and fields stay",
            Pod,
            """{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}""",
            """
            {"spec.containers[*].name":["app","sidecar"],
             "spec.containers[0].image":"nginx:1.27",
             "spec.containers[0].args":["--port","80"],
             "spec.containers[0].env[*].name":["MODE","LOG"],
             "spec.containers[1].image":"busybox:1.36"}
            """
        },
        {
            "a container added without $setElementOrder goes first, as the API server puts it",
            Pod,
            """{"spec":{"containers":[{"name":"log","image":"fluent-bit:3.1"}]}}""",
            """{"spec.containers[*].name":["log","app","sidecar"],"spec.containers[0].image":"fluent-bit:3.1"}"""
        },
        {
            "a container added with $setElementOrder goes where the order says",
            Pod,
            """{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"log"},{"name":"sidecar"}],"containers":[{"name":"log","image":"fluent-bit:3.1"}]}}""",
            """{"spec.containers[*].name":["app","log","sidecar"],"spec.containers[1].image":"fluent-bit:3.1"}"""
        },
        {
            "$setElementOrder alone reorders the list",
            Pod,
            """{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}""",
            """{"spec.containers[*].name":["sidecar","app"],"spec.containers[1].image":"nginx:1.25"}"""
        },
        {
            "a container is deleted with $patch: delete",
            Pod,
            """{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}""",
            """{"spec.containers[*].name":["app"]}"""
        },
        {
            "deleting a container that is not there changes nothing",
            Pod,
            """{"spec":{"containers":[{"name":"ghost","$patch":"delete"}]}}""",
            """{"spec.containers[*].name":["app","sidecar"]}"""
        },
        {
            "env merges by name: one changed, one added, one kept",
            Pod,
            """{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","value":"dev"},{"name":"TRACE","value":"1"}]}]}}""",
            """{"spec.containers[0].env":[{"name":"MODE","value":"dev"},{"name":"TRACE","value":"1"},{"name":"LOG","value":"info"}]}"""
        },
        {
            "env entries are deleted by name and their fields cleared with null",
            Pod,
            """{"spec":{"containers":[{"name":"app","env":[{"name":"LOG","$patch":"delete"},{"name":"MODE","value":null,"valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}""",
            """{"spec.containers[0].env":[{"name":"MODE","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}"""
        },
        {
            "ports merge by containerPort",
            Pod,
            """{"spec":{"containers":[{"name":"app","$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],"ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}]}}""",
            """{"spec.containers[0].ports":[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":443,"name":"https"}]}"""
        },
        {
            "volumeMounts merge by mountPath",
            Pod,
            """{"spec":{"containers":[{"name":"app","volumeMounts":[{"mountPath":"/etc/web","readOnly":true}]}]}}""",
            """{"spec.containers[0].volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"cfg","mountPath":"/etc/web","readOnly":true}]}"""
        },
        {
            "$retainKeys on a volume clears the source it switches away from",
            Pod,
            """{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"data","hostPath":{"path":"/var/lib/web"}}]}}""",
            """{"spec.volumes":[{"name":"data","hostPath":{"path":"/var/lib/web"}},{"name":"cfg","configMap":{"name":"web-cfg"}}]}"""
        },
        {
            "without $retainKeys the old volume source stays",
            Pod,
            """{"spec":{"volumes":[{"name":"data","hostPath":{"path":"/var/lib/web"}}]}}""",
            """{"spec.volumes[0]":{"name":"data","emptyDir":{},"hostPath":{"path":"/var/lib/web"}}}"""
        },
        {
            "finalizers are a set: a new one is added, a known one not repeated",
            Pod,
            """{"metadata":{"finalizers":["example.com/c","example.com/a"]}}""",
            """{"metadata.finalizers":["example.com/c","example.com/a","example.com/b"]}"""
        },
        {
            "$deleteFromPrimitiveList removes finalizers",
            Pod,
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a","example.com/zzz"]}}""",
            """{"metadata.finalizers":["example.com/b"]}"""
        },
        {
            "finalizers added, deleted and ordered in one patch, as kubectl apply sends them",
            Pod,
            """{"metadata":{"$setElementOrder/finalizers":["example.com/b","example.com/c"],"$deleteFromPrimitiveList/finalizers":["example.com/a"],"finalizers":["example.com/c"]}}""",
            """{"metadata.finalizers":["example.com/b","example.com/c"]}"""
        },
        {
            "a finalizer both added and deleted by one patch ends up deleted",
            Pod,
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/c"],"finalizers":["example.com/c"]}}""",
            """{"metadata.finalizers":["example.com/a","example.com/b"]}"""
        },
        {
            "$patch: merge in a merging list is the ordinary merge",
            Pod,
            """{"spec":{"containers":[{"$patch":"merge"},{"name":"app","image":"nginx:1.27","$patch":"merge"}]}}""",
            """{"spec.containers[*].name":["app","sidecar"],"spec.containers[0].image":"nginx:1.27","spec.containers[0].args":["--port","80"]}"""
        },
        {
            "ownerReferences merge by uid",
            Pod,
            """{"metadata":{"ownerReferences":[{"uid":"rs-1","blockOwnerDeletion":true},{"apiVersion":"v1","kind":"Node","name":"edge-1","uid":"n-1"}]}}""",
            """
            {"metadata.ownerReferences":[
              {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6d4","uid":"rs-1","controller":true,"blockOwnerDeletion":true},
              {"apiVersion":"v1","kind":"Node","name":"edge-1","uid":"n-1"}]}
            """
        },
        {
            "labels and annotations merge key by key and null removes one",
            Pod,
            """{"metadata":{"labels":{"tier":null,"version":"v2","absent":null},"annotations":{"note":"drained"}}}""",
            """{"metadata.labels":{"app":"web","version":"v2"},"metadata.annotations":{"team":"edge","note":"drained"}}"""
        },
        {
            "$patch: replace on a map replaces it",
            Pod,
            """{"metadata":{"labels":{"$patch":"replace","app":"api"}}}""",
            """{"metadata.labels":{"app":"api"},"metadata.annotations":{"team":"edge"}}"""
        },
        {
            "$patch: replace in a merging list replaces the list",
            Pod,
            """{"spec":{"volumes":[{"$patch":"replace"},{"name":"tmp","emptyDir":{"medium":"Memory"}}]}}""",
            """{"spec.volumes":[{"name":"tmp","emptyDir":{"medium":"Memory"}}]}"""
        },
        {
            "a lone $patch: replace empties a merging list",
            Pod,
            """{"spec":{"containers":[{"name":"app","env":[{"$patch":"replace"}]}]}}""",
            """{"spec.containers[0].env":[],"spec.containers[0].ports[*].containerPort":[80]}"""
        },
        {
            "$patch: delete on a map empties it",
            Pod,
            """{"spec":{"nodeSelector":{"$patch":"delete"}}}""",
            """{"spec.nodeSelector":{},"spec.nodeName":"edge-1"}"""
        },
        {
            "$patch: merge on a map is the ordinary merge",
            Pod,
            """{"metadata":{"labels":{"$patch":"merge","version":"v2"}}}""",
            """{"metadata.labels":{"app":"web","tier":"frontend","version":"v2"}}"""
        },
        {
            "a list without a patch strategy is replaced: container args",
            Pod,
            """{"spec":{"containers":[{"name":"app","args":["--verbose"]}]}}""",
            """{"spec.containers[0].args":["--verbose"],"spec.containers[0].image":"nginx:1.25"}"""
        },
        {
            "a list without a patch strategy is replaced: tolerations",
            Pod,
            """{"spec":{"tolerations":[{"key":"gpu","operator":"Exists"}]}}""",
            """{"spec.tolerations":[{"key":"gpu","operator":"Exists"}]}"""
        },
        {
            "a new field is taken without its nulls and directives",
            Pod,
            """{"spec":{"securityContext":{"runAsUser":1000,"fsGroup":null},"initContainers":[{"name":"init","image":"busybox","env":[{"name":"A","value":"1"},{"name":"B","$patch":"delete"}]},{"name":"gone","$patch":"delete"}]}}""",
            """{"spec.securityContext":{"runAsUser":1000},"spec.initContainers":[{"name":"init","image":"busybox","env":[{"name":"A","value":"1"}]}]}"""
        },
        {
            "a new map with $patch: delete is not added",
            Pod,
            """{"spec":{"dnsConfig":{"$patch":"delete"}}}""",
            """{"spec.dnsConfig":"<absent>","spec.nodeName":"edge-1"}"""
        },
        {
            "a value of another type replaces the old one",
            Pod,
            """{"spec":{"nodeSelector":"none","containers":[{"name":"app","args":{"port":80}}]}}""",
            """{"spec.nodeSelector":"none","spec.containers[0].args":{"port":80}}"""
        },
        {
            "null removes a whole field",
            Pod,
            """{"spec":{"tolerations":null,"containers":[{"name":"app","ports":null}]}}""",
            """{"spec.tolerations":"<absent>","spec.containers[0].ports":"<absent>","spec.containers[0].env[*].name":["MODE","LOG"]}"""
        },
        {
            "status conditions merge by type while container statuses are replaced, as the kubelet patches them",
            """
            {"kind":"Pod","metadata":{"name":"web","uid":"p-1"},
             "status":{"phase":"Pending",
               "conditions":[{"type":"PodScheduled","status":"True"},{"type":"Initialized","status":"True"},{"type":"Ready","status":"False"}],
               "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}}
            """,
            """
            {"metadata":{"uid":"p-1"},
             "status":{"$setElementOrder/conditions":[{"type":"PodScheduled"},{"type":"Initialized"},{"type":"ContainersReady"},{"type":"Ready"}],
               "conditions":[{"type":"ContainersReady","status":"True"},{"type":"Ready","status":"True"}],
               "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-01-01T00:00:05Z"}}}],
               "phase":"Running","podIP":"10.0.1.7","podIPs":[{"ip":"10.0.1.7"}]}}
            """,
            """
            {"status.phase":"Running",
             "status.conditions":[{"type":"PodScheduled","status":"True"},{"type":"Initialized","status":"True"},{"type":"ContainersReady","status":"True"},{"type":"Ready","status":"True"}],
             "status.containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-01-01T00:00:05Z"}}}],
             "status.podIPs":[{"ip":"10.0.1.7"}]}
            """
        },
        {
            "$setElementOrder keeps items it does not name among the rest, as the API server does",
            """{"kind":"Pod","metadata":{"finalizers":["a","b","x","c","d"]}}""",
            """{"metadata":{"$setElementOrder/finalizers":["b","a","d","c"]}}""",
            """{"metadata.finalizers":["b","a","x","d","c"]}"""
        },
        {
            "$patch: replace on the whole object",
            Pod,
            """{"$patch":"replace","apiVersion":"v1","kind":"Pod","metadata":{"name":"other"}}""",
            """{"metadata":{"name":"other"},"spec":"<absent>"}"""
        },
    };

    [Theory]
    [MemberData(nameof(PodCases))]
    public void Pod_patches_follow_the_pod_patch_tags(string @case, string target, string patch, string expected) =>
        AssertPatched(@case, target, patch, "", "Pod", expected);

    public static TheoryData<string, string, string, string, string, string> OtherKindCases => new()
    {
        {
            "service ports merge by port",
            "", "Service", Service,
            """{"spec":{"ports":[{"port":443,"targetPort":9443}]}}""",
            """{"spec.ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},{"name":"https","port":443,"targetPort":9443,"protocol":"TCP"}]}"""
        },
        {
            "a service port is deleted by port",
            "", "Service", Service,
            """{"spec":{"ports":[{"port":80,"$patch":"delete"}]}}""",
            """{"spec.ports[*].name":["https"],"spec.selector":{"app":"web"}}"""
        },
        {
            "the service selector map merges",
            "", "Service", Service,
            """{"spec":{"selector":{"app":null,"component":"web"}}}""",
            """{"spec.selector":{"component":"web"}}"""
        },
        {
            "node heartbeat updates one condition by type and keeps the others",
            "", "Node", Node,
            """{"status":{"$setElementOrder/conditions":[{"type":"MemoryPressure"},{"type":"Ready"}],"conditions":[{"type":"Ready","lastHeartbeatTime":"2025-01-01T00:00:40Z"}]}}""",
            """
            {"status.conditions":[
              {"type":"MemoryPressure","status":"False","lastHeartbeatTime":"2025-01-01T00:00:00Z"},
              {"type":"Ready","status":"True","lastHeartbeatTime":"2025-01-01T00:00:40Z"}],
             "status.addresses[*].type":["InternalIP","Hostname"]}
            """
        },
        {
            "node addresses merge by type",
            "", "Node", Node,
            """{"status":{"addresses":[{"type":"InternalIP","address":"192.168.1.11"}]}}""",
            """{"status.addresses":[{"type":"InternalIP","address":"192.168.1.11"},{"type":"Hostname","address":"edge-1"}]}"""
        },
        {
            "node taints and images have no strategy and are replaced",
            "", "Node", Node,
            """{"spec":{"taints":[{"key":"maintenance","effect":"NoExecute"}]},"status":{"images":[{"names":["redis:7"],"sizeBytes":5}]}}""",
            """{"spec.taints":[{"key":"maintenance","effect":"NoExecute"}],"status.images[*].names":[["redis:7"]]}"""
        },
        {
            "node podCIDRs are a set",
            "", "Node", Node,
            """{"spec":{"podCIDRs":["10.0.1.0/24","fd00:1::/64"]}}""",
            """{"spec.podCIDRs":["10.0.1.0/24","fd00:1::/64"]}"""
        },
        {
            "configmap data merges key by key",
            "", "ConfigMap",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web-cfg"},"data":{"a":"1","b":"2"}}""",
            """{"data":{"a":null,"c":"3"}}""",
            """{"data":{"b":"2","c":"3"}}"""
        },
        {
            "service account secrets merge by name",
            "", "ServiceAccount",
            """{"kind":"ServiceAccount","metadata":{"name":"default"},"secrets":[{"name":"token-a"}],"imagePullSecrets":[{"name":"pull-a"}]}""",
            """{"secrets":[{"name":"token-b"}],"imagePullSecrets":[{"name":"pull-b"}]}""",
            """{"secrets[*].name":["token-b","token-a"],"imagePullSecrets[*].name":["pull-b"]}"""
        },
        {
            "csinode drivers merge by name",
            "storage.k8s.io", "CSINode",
            """{"kind":"CSINode","metadata":{"name":"edge-1"},"spec":{"drivers":[{"name":"a.csi","nodeID":"1"},{"name":"b.csi","nodeID":"2"}]}}""",
            """{"spec":{"drivers":[{"name":"b.csi","nodeID":"22","allocatable":{"count":4}}]}}""",
            """{"spec.drivers":[{"name":"a.csi","nodeID":"1"},{"name":"b.csi","nodeID":"22","allocatable":{"count":4}}]}"""
        },
        {
            "endpoints subsets have no strategy and are replaced",
            "", "Endpoints",
            """{"kind":"Endpoints","metadata":{"name":"web"},"subsets":[{"addresses":[{"ip":"10.0.1.7"}],"ports":[{"port":80}]}]}""",
            """{"subsets":[{"addresses":[{"ip":"10.0.1.8"}],"ports":[{"port":80}]}]}""",
            """{"subsets[*].addresses":[[{"ip":"10.0.1.8"}]]}"""
        },
        {
            "lease spec merges as a map",
            "coordination.k8s.io", "Lease",
            """{"kind":"Lease","metadata":{"name":"edge-1","finalizers":["x"]},"spec":{"holderIdentity":"edge-1","leaseDurationSeconds":40,"renewTime":"2025-01-01T00:00:00.000000Z"}}""",
            """{"metadata":{"finalizers":["y"]},"spec":{"renewTime":"2025-01-01T00:00:10.000000Z"}}""",
            """{"metadata.finalizers":["y","x"],"spec":{"holderIdentity":"edge-1","leaseDurationSeconds":40,"renewTime":"2025-01-01T00:00:10.000000Z"}}"""
        },
    };

    [Theory]
    [MemberData(nameof(OtherKindCases))]
    public void Other_kinds_follow_their_patch_tags(string @case, string group, string kind, string target, string patch, string expected) =>
        AssertPatched(@case, target, patch, group, kind, expected);

    [Fact]
    public void Kubectl_apply_patch_for_a_new_image_and_a_removed_label_updates_only_those()
    {
        // The live pod: applied once from a manifest with tier=frontend and nginx:1.25, then touched by the
        // server (defaults, status) and by someone else (an extra label).
        const string lastApplied =
            """{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\",\"tier\":\"frontend\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx:1.25\",\"name\":\"app\"},{\"image\":\"busybox:1.36\",\"name\":\"sidecar\"}]}}\n""";
        var live = $$$"""
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web","namespace":"default","resourceVersion":"41",
               "labels":{"app":"web","tier":"frontend","owner":"ops"},
               "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{{{lastApplied}}}"}},
             "spec":{"containers":[
               {"name":"app","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log"},
               {"name":"sidecar","image":"busybox:1.36","imagePullPolicy":"IfNotPresent"}],
               "restartPolicy":"Always"},
             "status":{"phase":"Running"}}
            """;

        // What kubectl apply computes from last-applied (original), the edited manifest (modified) and the live
        // object: the removed label as null, the changed container by its merge key with the list's new order,
        // and the new last-applied annotation.
        const string newApplied =
            """{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx:1.27\",\"name\":\"app\"},{\"image\":\"busybox:1.36\",\"name\":\"sidecar\"}]}}\n""";
        var patch = $$$"""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{{{newApplied}}}"},"labels":{"tier":null}},
             "spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.27","name":"app"}]}}
            """;

        var result = Patched(live, patch, "", "Pod");

        var expected = JsonNode.Parse(live)!;
        expected["metadata"]!["labels"]!.AsObject().Remove("tier");
        expected["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"] = JsonNode.Parse($"\"{newApplied}\"");
        expected["spec"]!["containers"]![0]!["image"] = "nginx:1.27";
        Assert.Equal(Canonical(expected), Canonical(result));
        Assert.Equal("nginx:1.27", JsonNode.Parse(result["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>())!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{nope", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("\"spec\"", "must be a JSON object")]
    [InlineData("""{"metadata":{"labels":{"$patch":"remove"}}}""", "metadata.labels: unknown $patch value \"remove\"")]
    [InlineData("""{"metadata":{"labels":{"$patch":1}}}""", "unknown $patch value 1")]
    [InlineData("""{"spec":{"containers":[{"image":"nginx:1.27"}]}}""", "spec.containers[0]: {\"image\":\"nginx:1.27\"} does not contain the merge key \"name\"")]
    [InlineData("""{"spec":{"containers":[{"$patch":"delete","image":"x"}]}}""", "does not contain the merge key \"name\"")]
    [InlineData("""{"spec":{"containers":[{"name":"app","ports":[{"protocol":"UDP"}]}]}}""", "spec.containers[0].ports[0]: {\"protocol\":\"UDP\"} does not contain the merge key \"containerPort\"")]
    [InlineData("""{"spec":{"containers":[{"name":"app","$patch":"bogus"}]}}""", "spec.containers[0]: unknown $patch value \"bogus\"")]
    [InlineData("""{"spec":{"initContainers":[{"name":"init","$patch":"bogus"}]}}""", "spec.initContainers[0]: unknown $patch value \"bogus\"")]
    [InlineData("""{"metadata":{"$setElementOrder/finalizers":"example.com/a"}}""", "$setElementOrder/finalizers must be a list")]
    [InlineData("""{"metadata":{"$setElementOrderfinalizers":[]}}""", "is not of the form \"$setElementOrder/<field>\"")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/":["a"]}}""", "is not of the form \"$deleteFromPrimitiveList/<field>\"")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"example.com/a"}}""", "metadata.$deleteFromPrimitiveList/finalizers: must be a list")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/ownerReferences":[{"uid":"rs-1"}]}}""", "applies to lists of primitives")]
    [InlineData("""{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"x"},{"name":"sidecar","image":"y"}]}}""", "spec.containers: the list does not follow $setElementOrder/containers")]
    [InlineData("""{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"log","image":"x"}]}}""", "does not follow $setElementOrder/containers")]
    [InlineData("""{"spec":{"$setElementOrder/containers":[{"image":"x"}]}}""", "every item of $setElementOrder/containers must be an object with the merge key \"name\"")]
    [InlineData("""{"spec":{"containers":{"$setElementOrder/ports":[1]}}}""", "must be an object with the merge key")]
    [InlineData("""{"spec":{"volumes":[{"$retainKeys":["name"],"name":"data","hostPath":{"path":"/x"}}]}}""", "spec.volumes[0]: the patch sets \"hostPath\", which its $retainKeys list does not keep")]
    [InlineData("""{"spec":{"volumes":[{"$retainKeys":"name","name":"data"}]}}""", "$retainKeys must be a list of field names")]
    [InlineData("""{"spec":{"volumes":[{"$retainKeys":["name",3],"name":"data"}]}}""", "$retainKeys must be a list of field names, not 3")]
    [InlineData("""{"metadata":{"finalizers":[{"name":"a"}]}}""", "metadata.finalizers: the items of the list are not all of one type")]
    [InlineData("""{"metadata":{"finalizers":[["a"]]}}""", "lists of lists are not supported")]
    [InlineData("""{"spec":{"$deleteFromPrimitiveList/containers":["app"]}}""", "not all of one type")]
    public void Bad_patches_fail_with_a_reason(string patch, string reason)
    {
        var target = JsonNode.Parse(Pod)!;
        var before = target.ToJsonString();

        var result = StrategicMergePatch.Apply(target, Encoding.UTF8.GetBytes(patch), "", "Pod");

        Assert.Null(result.Result);
        Assert.NotNull(result.Error);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, target.ToJsonString());
    }

    [Fact]
    public void A_merging_list_of_objects_without_a_merge_key_cannot_be_merged()
    {
        var schema = PatchSchema.FromTable([("items", PatchStrategy.Merge, null)]);

        var result = StrategicMergePatch.Apply(JsonNode.Parse("""{"items":[{"a":1}]}""")!, """{"items":[{"a":2}]}"""u8, schema);

        Assert.Equal("items: cannot merge a list of objects that has no merge key", result.Error);
    }

    [Theory]
    [InlineData("example.com", "Widget")]
    [InlineData("apps", "Deployment")]
    [InlineData("", "pods")]
    public void Kinds_without_patch_tags_are_refused(string group, string kind)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse("""{"metadata":{"name":"w"}}""")!, """{"metadata":{"labels":{"a":"b"}}}"""u8, group, kind);

        Assert.False(PatchStrategies.Supports(group, kind));
        Assert.Null(PatchStrategies.Find(group, kind));
        Assert.Contains("strategic merge patch is not supported for", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_target_is_not_changed()
    {
        var target = JsonNode.Parse(Pod)!;
        var before = target.ToJsonString();

        var result = StrategicMergePatch.Apply(target, """
            {"metadata":{"labels":{"tier":null},"$deleteFromPrimitiveList/finalizers":["example.com/a"]},
             "spec":{"containers":[{"name":"app","image":"nginx:1.27","env":[{"name":"LOG","$patch":"delete"}]},{"name":"sidecar","$patch":"delete"}],
                     "volumes":[{"$retainKeys":["hostPath","name"],"name":"data","hostPath":{"path":"/x"}}]}}
            """u8, "", "Pod");

        Assert.Null(result.Error);
        Assert.Equal(before, target.ToJsonString());
        Assert.NotEqual(before, result.Result!.ToJsonString());
    }

    [Fact]
    public void Directive_keys_never_reach_the_result()
    {
        var result = Patched(Pod, """
            {"$patch":"merge",
             "metadata":{"$setElementOrder/finalizers":["example.com/b"],"$deleteFromPrimitiveList/finalizers":["x"],"labels":{"$patch":"merge","v":"2"}},
             "spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"new"}],
               "containers":[{"name":"new","image":"x","$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"1"}],"$retainKeys":["name","image","env"]}],
               "volumes":[{"$retainKeys":["name","secret"],"name":"data","secret":{"secretName":"s","$patch":"merge"}}],
               "affinity":{"$patch":"replace","nodeAffinity":{"$retainKeys":["requiredDuringSchedulingIgnoredDuringExecution"]}}}}
            """, "", "Pod");

        Assert.DoesNotContain("\"$", result.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("""[{"name":"A","value":"1"}]""", result["spec"]!["containers"]![1]!["env"]!.ToJsonString());
        Assert.Equal("""{"name":"data","secret":{"secretName":"s"}}""", result["spec"]!["volumes"]![0]!.ToJsonString());
    }

    [Fact]
    public void Fields_keep_their_place_and_new_ones_are_appended()
    {
        var result = Patched("""{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1","y":"2"}}""", """{"data":{"x":"3","z":"4"}}""", "", "ConfigMap");

        Assert.Equal("""{"kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"3","y":"2","z":"4"}}""", result.ToJsonString());
    }

    // group, kind, path, strategy, merge key: the k8s.io/api v0.32 tags
    [Theory]
    [InlineData("", "Pod", "metadata.finalizers", PatchStrategy.Merge, null)]
    [InlineData("", "Pod", "metadata.ownerReferences", PatchStrategy.Merge, "uid")]
    [InlineData("", "Pod", "metadata.labels", PatchStrategy.None, null)]
    [InlineData("", "Pod", "spec.containers", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.initContainers", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.ephemeralContainers", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.containers[].ports", PatchStrategy.Merge, "containerPort")]
    [InlineData("", "Pod", "spec.initContainers[].env", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.ephemeralContainers[].volumeMounts", PatchStrategy.Merge, "mountPath")]
    [InlineData("", "Pod", "spec.containers[].volumeDevices", PatchStrategy.Merge, "devicePath")]
    [InlineData("", "Pod", "spec.containers[].args", PatchStrategy.None, null)]
    [InlineData("", "Pod", "spec.containers[].envFrom", PatchStrategy.None, null)]
    [InlineData("", "Pod", "spec.containers[].resizePolicy", PatchStrategy.None, null)]
    [InlineData("", "Pod", "spec.volumes", PatchStrategy.Merge | PatchStrategy.RetainKeys, "name")]
    [InlineData("", "Pod", "spec.imagePullSecrets", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.hostAliases", PatchStrategy.Merge, "ip")]
    [InlineData("", "Pod", "spec.topologySpreadConstraints", PatchStrategy.Merge, "topologyKey")]
    [InlineData("", "Pod", "spec.schedulingGates", PatchStrategy.Merge, "name")]
    [InlineData("", "Pod", "spec.resourceClaims", PatchStrategy.Merge | PatchStrategy.RetainKeys, "name")]
    [InlineData("", "Pod", "spec.tolerations", PatchStrategy.None, null)]
    [InlineData("", "Pod", "spec.readinessGates", PatchStrategy.None, null)]
    [InlineData("", "Pod", "status.conditions", PatchStrategy.Merge, "type")]
    [InlineData("", "Pod", "status.podIPs", PatchStrategy.Merge, "ip")]
    [InlineData("", "Pod", "status.hostIPs", PatchStrategy.Merge, "ip")]
    [InlineData("", "Pod", "status.resourceClaimStatuses", PatchStrategy.Merge | PatchStrategy.RetainKeys, "name")]
    [InlineData("", "Pod", "status.containerStatuses", PatchStrategy.None, null)]
    [InlineData("", "Pod", "status.containerStatuses[].volumeMounts", PatchStrategy.Merge, "mountPath")]
    [InlineData("", "Pod", "status.initContainerStatuses[].allocatedResourcesStatus", PatchStrategy.Merge, "name")]
    [InlineData("", "Service", "spec.ports", PatchStrategy.Merge, "port")]
    [InlineData("", "Service", "status.conditions", PatchStrategy.Merge, "type")]
    [InlineData("", "Service", "status.loadBalancer.ingress", PatchStrategy.None, null)]
    [InlineData("", "Node", "spec.podCIDRs", PatchStrategy.Merge, null)]
    [InlineData("", "Node", "spec.taints", PatchStrategy.None, null)]
    [InlineData("", "Node", "status.conditions", PatchStrategy.Merge, "type")]
    [InlineData("", "Node", "status.addresses", PatchStrategy.Merge, "type")]
    [InlineData("", "Node", "status.images", PatchStrategy.None, null)]
    [InlineData("", "Namespace", "status.conditions", PatchStrategy.Merge, "type")]
    [InlineData("", "Namespace", "spec.finalizers", PatchStrategy.None, null)]
    [InlineData("", "PersistentVolumeClaim", "status.conditions", PatchStrategy.Merge, "type")]
    [InlineData("", "PersistentVolume", "metadata.finalizers", PatchStrategy.Merge, null)]
    [InlineData("", "ServiceAccount", "secrets", PatchStrategy.Merge, "name")]
    [InlineData("", "ServiceAccount", "imagePullSecrets", PatchStrategy.None, null)]
    [InlineData("", "Endpoints", "subsets", PatchStrategy.None, null)]
    [InlineData("", "Secret", "metadata.ownerReferences", PatchStrategy.Merge, "uid")]
    [InlineData("", "ConfigMap", "metadata.ownerReferences", PatchStrategy.Merge, "uid")]
    [InlineData("", "Event", "metadata.finalizers", PatchStrategy.Merge, null)]
    [InlineData("coordination.k8s.io", "Lease", "metadata.ownerReferences", PatchStrategy.Merge, "uid")]
    [InlineData("discovery.k8s.io", "EndpointSlice", "endpoints", PatchStrategy.None, null)]
    [InlineData("storage.k8s.io", "VolumeAttachment", "metadata.finalizers", PatchStrategy.Merge, null)]
    [InlineData("storage.k8s.io", "CSINode", "spec.drivers", PatchStrategy.Merge, "name")]
    [InlineData("node.k8s.io", "RuntimeClass", "scheduling.tolerations", PatchStrategy.None, null)]
    public void Built_in_kinds_carry_their_patch_tags(string group, string kind, string path, PatchStrategy strategy, string? mergeKey)
    {
        Assert.True(PatchStrategies.Supports(group, kind));

        var field = PatchStrategies.Find(group, kind)!.At(path);

        Assert.Equal(strategy, field.Strategy);
        Assert.Equal(mergeKey, field.MergeKey);
    }

    private static void AssertPatched(string @case, string target, string patch, string group, string kind, string expected)
    {
        var result = Patched(target, patch, group, kind);
        foreach (var (path, want) in JsonNode.Parse(expected)!.AsObject())
        {
            var wantText = want is JsonValue v && v.TryGetValue<string>(out var s) && s == Absent ? Absent : Canonical(want);
            var gotText = Select(result, path, 0) is [var got] ? Canonical(got) : Absent;
            Assert.True(wantText == gotText, $"{@case}: {path} is {gotText}, expected {wantText}");
        }

        Assert.DoesNotContain("\"$", result.ToJsonString(), StringComparison.Ordinal);
    }

    private static JsonNode Patched(string target, string patch, string group, string kind)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse(target)!, Encoding.UTF8.GetBytes(patch), group, kind);
        Assert.True(result.Error is null, result.Error);
        return result.Result!;
    }

    /// <summary>
    /// The value at a path like "spec.containers[0].image", or at "spec.containers[*].name" the list of that field
    /// of every item; empty when the field is absent.
    /// </summary>
    private static List<JsonNode?> Select(JsonNode? node, string path, int at)
    {
        var segments = path.Split('.');
        if (at == segments.Length)
        {
            return [node];
        }

        var segment = segments[at];
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        var name = bracket < 0 ? segment : segment[..bracket];
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out var child))
        {
            return [];
        }

        if (bracket < 0)
        {
            return Select(child, path, at + 1);
        }

        var index = segment[(bracket + 1)..^1];
        if (child is not JsonArray list)
        {
            return [];
        }

        if (index != "*")
        {
            var i = int.Parse(index, System.Globalization.CultureInfo.InvariantCulture);
            return i < list.Count ? Select(list[i], path, at + 1) : [];
        }

        return [new JsonArray([.. list.SelectMany(item => Select(item, path, at + 1)).Select(n => n?.DeepClone())])];
    }

    /// <summary>JSON text with object members sorted, so that only list order and values are compared.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonValue.Create(p.Key)!.ToJsonString() + ":" + Canonical(p.Value))) + "}",
        JsonArray list => "[" + string.Join(",", list.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
