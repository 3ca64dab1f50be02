using System.Text.Json.Nodes;

namespace EdgeMeta.Bench;

/// <summary>Pods shaped like the ones a node agent syncs: ~3 KB of JSON each, with status.</summary>
internal static class PodFactory
{
    public static string Pod(int i)
    {
        var name = $"bench-{i:D5}";
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = "default",
                ["labels"] = new JsonObject
                {
                    ["app"] = "sensor-gateway",
                    ["pod-template-hash"] = "7d9f8c6b5",
                    ["tier"] = i % 2 == 0 ? "edge" : "core",
                    ["app.kubernetes.io/part-of"] = "factory-line-3",
                },
                ["annotations"] = new JsonObject
                {
                    ["kubernetes.io/config.source"] = "api",
                    ["prometheus.io/scrape"] = "true",
                    ["prometheus.io/port"] = "9102",
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "ReplicaSet",
                    ["name"] = "sensor-gateway-7d9f8c6b5",
                    ["uid"] = "3c1e9f4a-6b0d-4f7e-9a51-2d8c7b6e5f40",
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = $"edge-node-{i % 8}",
                ["restartPolicy"] = "Always",
                ["serviceAccountName"] = "sensor-gateway",
                ["containers"] = new JsonArray(
                    Container("gateway", "registry.local/factory/sensor-gateway:2.14.3", 8080),
                    Container("metrics-sidecar", "registry.local/observability/metrics-agent:1.9.0", 9102)),
                ["volumes"] = new JsonArray(
                    new JsonObject { ["name"] = "config", ["configMap"] = new JsonObject { ["name"] = "sensor-gateway-config" } },
                    new JsonObject { ["name"] = "certs", ["secret"] = new JsonObject { ["secretName"] = "sensor-gateway-tls" } }),
                ["tolerations"] = new JsonArray(
                    new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
                    new JsonObject { ["key"] = "node-role.kubernetes.io/edge", ["operator"] = "Exists", ["effect"] = "NoSchedule" }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["hostIP"] = $"192.168.10.{i % 250}",
                ["podIP"] = $"10.244.{i / 250 % 250}.{i % 250}",
                ["startTime"] = "2026-11-20T08:00:00Z",
                ["qosClass"] = "Burstable",
                ["conditions"] = new JsonArray(
                    Condition("Initialized"), Condition("Ready"), Condition("ContainersReady"), Condition("PodScheduled")),
                ["containerStatuses"] = new JsonArray(
                    ContainerStatus("gateway", "registry.local/factory/sensor-gateway:2.14.3"),
                    ContainerStatus("metrics-sidecar", "registry.local/observability/metrics-agent:1.9.0")),
            },
        };
        return pod.ToJsonString();
    }

    private static JsonObject Container(string name, string image, int port) => new()
    {
        ["name"] = name,
        ["image"] = image,
        ["imagePullPolicy"] = "IfNotPresent",
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port, ["protocol"] = "TCP" }),
        ["env"] = new JsonArray(
            new JsonObject { ["name"] = "LINE_ID", ["value"] = "factory-line-3" },
            new JsonObject { ["name"] = "LOG_LEVEL", ["value"] = "info" },
            new JsonObject { ["name"] = "POD_NAME", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } } }),
        ["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
            ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "256Mi" },
        },
        ["volumeMounts"] = new JsonArray(
            new JsonObject { ["name"] = "config", ["mountPath"] = "/etc/gateway", ["readOnly"] = true },
            new JsonObject { ["name"] = "certs", ["mountPath"] = "/etc/gateway/tls", ["readOnly"] = true }),
        ["readinessProbe"] = new JsonObject
        {
            ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = port },
            ["periodSeconds"] = 10,
        },
    };

    private static JsonObject Condition(string type) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = "2026-11-20T08:00:05Z",
    };

    private static JsonObject ContainerStatus(string name, string image) => new()
    {
        ["name"] = name,
        ["ready"] = true,
        ["restartCount"] = 0,
        ["image"] = image,
        ["imageID"] = "docker-pullable://" + image + "@sha256:9b1f0c3e7a2d4b6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d",
        ["containerID"] = "containerd://4f6a8b0c2d9b1f0c3e7a2d4b6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e",
        ["started"] = true,
        ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-11-20T08:00:04Z" } },
    };
}
