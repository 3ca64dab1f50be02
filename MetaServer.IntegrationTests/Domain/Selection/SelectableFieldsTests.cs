using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Selection;

namespace MetaServer.IntegrationTests.Domain.Selection;

public sealed class SelectableFieldsTests
{
    // Shaped like `kubectl get pod -o json` on an edge node; the label "build" is a number on purpose.
    private const string RunningPod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "web-0",
            "namespace": "shop",
            "uid": "4b1c8f52-2a0e-4a8e-9c4e-0d1f6a1c2b3d",
            "resourceVersion": "1842",
            "labels": { "app": "web", "tier": "front", "build": 42, "empty": "", "gone": null }
          },
          "spec": {
            "containers": [ { "name": "web", "image": "nginx:1.27" } ],
            "nodeName": "edge-1",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "serviceAccountName": "web-sa",
            "serviceAccount": "web-sa",
            "hostNetwork": true
          },
          "status": {
            "phase": "Running",
            "podIP": "10.42.0.7",
            "podIPs": [ { "ip": "10.42.0.7" }, { "ip": "fd00::7" } ],
            "hostIP": "192.168.1.20"
          }
        }
        """;

    // Fields left out the way the apiserver's JSON leaves out false and empty values.
    private const string PendingPod = """
        {
          "metadata": { "name": "job-x", "namespace": "batch" },
          "spec": { "serviceAccount": "legacy-sa" },
          "status": { "phase": "Pending", "podIPs": [ { "ip": "10.42.0.9" } ], "nominatedNodeName": "edge-2" }
        }
        """;

    private const string TlsSecret = """
        {
          "apiVersion": "v1",
          "kind": "Secret",
          "metadata": { "name": "web-tls", "namespace": "shop" },
          "type": "kubernetes.io/tls",
          "data": { "tls.crt": "Y2VydA==", "tls.key": "a2V5" }
        }
        """;

    private const string KubeletEvent = """
        {
          "apiVersion": "v1",
          "kind": "Event",
          "metadata": { "name": "web-0.17f2a3b4c5d6e7f8", "namespace": "shop" },
          "involvedObject": {
            "kind": "Pod",
            "namespace": "shop",
            "name": "web-0",
            "uid": "4b1c8f52-2a0e-4a8e-9c4e-0d1f6a1c2b3d",
            "apiVersion": "v1",
            "resourceVersion": "1840",
            "fieldPath": "spec.containers{web}"
          },
          "reason": "Pulled",
          "message": "Container image \"nginx:1.27\" already present on machine",
          "source": { "component": "kubelet", "host": "edge-1" },
          "reportingComponent": "kubelet",
          "reportingInstance": "edge-1",
          "type": "Normal",
          "count": 1
        }
        """;

    // Written through events.k8s.io: no source.component, only the reporting controller.
    private const string ControllerEvent = """
        {
          "metadata": { "name": "web.1", "namespace": "shop" },
          "involvedObject": { "kind": "Deployment", "name": "web" },
          "reason": "ScalingReplicaSet",
          "reportingComponent": "deployment-controller",
          "type": "Normal"
        }
        """;

    [Theory]
    [InlineData("metadata.name", "web-0")]
    [InlineData("metadata.namespace", "shop")]
    [InlineData("spec.nodeName", "edge-1")]
    [InlineData("spec.host", "edge-1")]
    [InlineData("spec.restartPolicy", "Always")]
    [InlineData("spec.schedulerName", "default-scheduler")]
    [InlineData("spec.serviceAccountName", "web-sa")]
    [InlineData("spec.hostNetwork", "true")]
    [InlineData("status.phase", "Running")]
    [InlineData("status.podIP", "10.42.0.7")]
    [InlineData("status.podIPs", "")]
    [InlineData("status.nominatedNodeName", "")]
    public void Running_pod_yields_its_selectable_fields(string field, string expected)
    {
        var fields = SelectableFields.Extract("", "pods", Parse(RunningPod));

        Assert.Equal(expected, fields[field]);
    }

    [Theory]
    [InlineData("spec.nodeName", "")]
    [InlineData("spec.restartPolicy", "")]
    [InlineData("spec.serviceAccountName", "legacy-sa")]
    [InlineData("spec.hostNetwork", "false")]
    [InlineData("status.phase", "Pending")]
    [InlineData("status.podIP", "10.42.0.9")]
    [InlineData("status.nominatedNodeName", "edge-2")]
    public void Pod_with_omitted_fields_yields_their_zero_values(string field, string expected)
    {
        var fields = SelectableFields.Extract("", "pods", Parse(PendingPod));

        Assert.Equal(expected, fields[field]);
    }

    [Fact]
    public void Pod_extraction_covers_exactly_the_pod_fields()
    {
        var fields = SelectableFields.Extract("", "pods", Parse(PendingPod));

        Assert.Equal(
            [
                "metadata.name", "metadata.namespace", "spec.host", "spec.hostNetwork", "spec.nodeName",
                "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.nominatedNodeName",
                "status.phase", "status.podIP", "status.podIPs",
            ],
            fields.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(TlsSecret, "type", "kubernetes.io/tls")]
    [InlineData(TlsSecret, "metadata.name", "web-tls")]
    [InlineData("""{ "metadata": { "name": "bare" } }""", "type", "")]
    [InlineData("""{ "metadata": { "name": "bare" } }""", "metadata.namespace", "")]
    public void Secret_yields_its_type(string json, string field, string expected)
    {
        var fields = SelectableFields.Extract("", "secrets", Parse(json));

        Assert.Equal(3, fields.Count);
        Assert.Equal(expected, fields[field]);
    }

    [Theory]
    [InlineData(KubeletEvent, "metadata.name", "web-0.17f2a3b4c5d6e7f8")]
    [InlineData(KubeletEvent, "involvedObject.kind", "Pod")]
    [InlineData(KubeletEvent, "involvedObject.namespace", "shop")]
    [InlineData(KubeletEvent, "involvedObject.name", "web-0")]
    [InlineData(KubeletEvent, "involvedObject.uid", "4b1c8f52-2a0e-4a8e-9c4e-0d1f6a1c2b3d")]
    [InlineData(KubeletEvent, "involvedObject.apiVersion", "v1")]
    [InlineData(KubeletEvent, "involvedObject.resourceVersion", "1840")]
    [InlineData(KubeletEvent, "involvedObject.fieldPath", "spec.containers{web}")]
    [InlineData(KubeletEvent, "reason", "Pulled")]
    [InlineData(KubeletEvent, "reportingComponent", "kubelet")]
    [InlineData(KubeletEvent, "source", "kubelet")]
    [InlineData(KubeletEvent, "type", "Normal")]
    [InlineData(ControllerEvent, "source", "deployment-controller")]
    [InlineData(ControllerEvent, "involvedObject.namespace", "")]
    public void Core_event_yields_its_selectable_fields(string json, string field, string expected)
    {
        var fields = SelectableFields.Extract("", "events", Parse(json));

        Assert.Equal(13, fields.Count);
        Assert.Equal(expected, fields[field]);
    }

    [Theory]
    [InlineData("nodes", """{ "metadata": { "name": "edge-1" }, "spec": { "unschedulable": true } }""", "spec.unschedulable", "true")]
    [InlineData("nodes", """{ "metadata": { "name": "edge-1" }, "spec": {} }""", "spec.unschedulable", "false")]
    [InlineData("nodes", """{ "metadata": { "name": "edge-1" } }""", "metadata.name", "edge-1")]
    [InlineData("namespaces", """{ "metadata": { "name": "shop" }, "status": { "phase": "Terminating" } }""", "status.phase", "Terminating")]
    [InlineData("services", """{ "metadata": { "name": "web" }, "spec": { "clusterIP": "10.43.0.10", "type": "ClusterIP" } }""", "spec.clusterIP", "10.43.0.10")]
    [InlineData("replicationcontrollers", """{ "metadata": { "name": "rc" }, "status": { "replicas": 3 } }""", "status.replicas", "3")]
    [InlineData("replicationcontrollers", """{ "metadata": { "name": "rc" } }""", "status.replicas", "0")]
    [InlineData("configmaps", """{ "metadata": { "name": "cfg", "namespace": "shop" } }""", "metadata.namespace", "shop")]
    public void Other_core_resources_yield_their_fields(string resource, string json, string field, string expected)
    {
        var fields = SelectableFields.Extract("", resource, Parse(json));

        Assert.Equal(expected, fields[field]);
    }

    [Theory]
    [InlineData("", "pods", "spec.nodeName", true)]
    [InlineData("", "pods", "spec.host", true)]
    [InlineData("", "pods", "status.podIPs", true)]
    [InlineData("", "pods", "status.hostIP", false)]
    [InlineData("", "pods", "metadata.labels", false)]
    [InlineData("", "secrets", "type", true)]
    [InlineData("", "configmaps", "type", false)]
    [InlineData("", "configmaps", "metadata.name", true)]
    [InlineData("", "configmaps", "metadata.namespace", true)]
    [InlineData("", "events", "involvedObject.name", true)]
    [InlineData("", "events", "source", true)]
    [InlineData("events.k8s.io", "events", "involvedObject.name", false)]
    [InlineData("events.k8s.io", "events", "metadata.namespace", true)]
    [InlineData("", "nodes", "spec.unschedulable", true)]
    [InlineData("", "nodes", "metadata.namespace", false)]
    [InlineData("", "namespaces", "status.phase", true)]
    [InlineData("", "namespaces", "metadata.namespace", false)]
    [InlineData("", "persistentvolumeclaims", "metadata.namespace", true)]
    [InlineData("", "persistentvolumeclaims", "spec.volumeName", false)]
    [InlineData("", "persistentvolumes", "metadata.name", true)]
    [InlineData("", "services", "spec.type", true)]
    [InlineData("apps", "pods", "spec.nodeName", false)]
    public void Supported_fields_follow_the_apiserver(string group, string resource, string field, bool expected)
    {
        Assert.Equal(expected, SelectableFields.IsSupported(group, resource, field));
    }

    [Theory]
    [InlineData("", "pods", "spec.nodeName=edge-1,status.phase!=Succeeded", null)]
    [InlineData("", "pods", "", null)]
    [InlineData("", "pods", "spec.nodeName=edge-1,status.hostIP=1.2.3.4", "field label not supported: status.hostIP")]
    [InlineData("", "nodes", "metadata.namespace=", "field label not supported: metadata.namespace")]
    [InlineData("", "events", "regarding.name=web-0", "field label not supported: regarding.name")]
    [InlineData("", "configmaps", "metadata.name=cfg", null)]
    [InlineData("", "configmaps", "data.key=x", "\"data.key\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData("events.k8s.io", "events", "reason=Pulled", "\"reason\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    public void Validate_names_the_first_unsupported_field(string group, string resource, string selector, string? expected)
    {
        Assert.True(FieldSelector.TryParse(selector, out var parsed, out var error), error);

        Assert.Equal(expected, SelectableFields.Validate(group, resource, parsed));
    }

    [Fact]
    public void Labels_keep_only_string_values()
    {
        var labels = SelectableFields.ExtractLabels(Parse(RunningPod));

        Assert.Equal(
            new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front", ["empty"] = "" },
            labels);
    }

    [Theory]
    [InlineData("""{ "kind": "Pod" }""")]
    [InlineData("""{ "metadata": { "name": "x" } }""")]
    [InlineData("""{ "metadata": { "name": "x", "labels": null } }""")]
    [InlineData("""{ "metadata": { "name": "x", "labels": ["app"] } }""")]
    public void Object_without_a_labels_map_has_no_labels(string json)
    {
        Assert.Empty(SelectableFields.ExtractLabels(Parse(json)));
    }

    [Theory]
    [InlineData("spec.nodeName=edge-1,status.phase!=Failed", "app=web", true)]
    [InlineData("spec.nodeName=edge-1,spec.hostNetwork=false", "app=web", false)]
    [InlineData("metadata.namespace=shop", "tier notin (front)", false)]
    [InlineData("status.nominatedNodeName=", "build", false)]
    [InlineData("status.nominatedNodeName=", "!build,app", true)]
    public void Stored_pod_is_selected_by_fields_and_labels_together(string fieldSelector, string labelSelector, bool expected)
    {
        var pod = Parse(RunningPod);
        Assert.True(FieldSelector.TryParse(fieldSelector, out var fields, out _));
        Assert.True(LabelSelector.TryParse(labelSelector, out var labels, out _));

        var selected = fields.Matches(SelectableFields.Extract("", "pods", pod))
            && labels.Matches(SelectableFields.ExtractLabels(pod));

        Assert.Equal(expected, selected);
    }

    [Theory]
    [InlineData("pods", RunningPod)]
    [InlineData("pods", PendingPod)]
    [InlineData("pods", """{"metadata":{"name":"p","labels":{"a":"1","n":2,"b":"3"}},"spec":{"serviceAccount":"old","hostNetwork":"true"},"status":{"podIPs":[{"ip":"10.0.0.9"}]}}""")]
    [InlineData("pods", """{"metadata":"x","spec":[],"status":{"podIPs":["10.0.0.9"]}}""")]
    [InlineData("events", """{"metadata":{"name":"e"},"reportingComponent":"kubelet","involvedObject":{"kind":"Pod","uid":7}}""")]
    [InlineData("nodes", """{"metadata":{"name":"n"},"spec":{"unschedulable":true}}""")]
    [InlineData("replicationcontrollers", """{"metadata":{"name":"rc"},"status":{"replicas":3}}""")]
    [InlineData("replicationcontrollers", """{"metadata":{"name":"rc"},"status":{"replicas":3.5}}""")]
    public void A_parsed_object_and_the_same_object_as_nodes_give_the_same_fields_and_labels(string resource, string json)
    {
        // A message's content is read as parsed; an API write's object as nodes. Both must select alike.
        var parsed = Parse(json);
        var nodes = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions())!.AsObject();

        Assert.Equal(SelectableFields.Extract("", resource, parsed), SelectableFields.Extract("", resource, nodes));
        Assert.Equal(SelectableFields.ExtractLabels(parsed), SelectableFields.ExtractLabels(nodes));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
