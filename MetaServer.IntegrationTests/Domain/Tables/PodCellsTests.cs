using MetaServer.Domain.Tables;
using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class PodCellsTests
{
    private static readonly string Created = Ago(TimeSpan.FromDays(2));

    // A two-container pod whose app container keeps crashing; the log shipper beside it is fine.
    private static readonly string CrashingPod = $$"""
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": { "name": "shop-7d9f8-x2k4q", "namespace": "shop", "creationTimestamp": "{{Created}}",
                        "resourceVersion": "5012", "uid": "0c5f3c8e-4b7e-4f4b-9e1e-2d9a3f1b7c21" },
          "spec": {
            "nodeName": "edge-1",
            "containers": [ { "name": "app", "image": "shop:1.4" }, { "name": "logs", "image": "fluent-bit:3" } ]
          },
          "status": {
            "phase": "Running",
            "podIP": "10.42.0.7",
            "podIPs": [ { "ip": "10.42.0.7" }, { "ip": "fd00::7" } ],
            "conditions": [ { "type": "Ready", "status": "False" }, { "type": "Initialized", "status": "True" } ],
            "containerStatuses": [
              { "name": "app", "ready": false, "restartCount": 5,
                "state": { "waiting": { "reason": "CrashLoopBackOff", "message": "back-off 2m40s" } },
                "lastState": { "terminated": { "exitCode": 1, "reason": "Error", "finishedAt": "{{Ago(TimeSpan.FromMinutes(3))}}" } } },
              { "name": "logs", "ready": true, "restartCount": 0, "state": { "running": { "startedAt": "{{Created}}" } } }
            ]
          }
        }
        """;

    [Fact]
    public void Crashing_pod_row_shows_ready_count_reason_and_last_restart()
    {
        Assert.Equal(
            """["shop-7d9f8-x2k4q","1/2","CrashLoopBackOff","5 (3m ago)","2d","10.42.0.7","edge-1","<none>","<none>"]""",
            CellsOf("", "pods", CrashingPod));
    }

    public static TheoryData<string, string, string> Statuses => new()
    {
        {
            "all containers running and ready",
            Pod("""{ "containers": [ { "name": "a" }, { "name": "b" } ] }""", """
                { "phase": "Running", "containerStatuses": [
                  { "name": "a", "ready": true, "restartCount": 0, "state": { "running": {} } },
                  { "name": "b", "ready": true, "restartCount": 0, "state": { "running": {} } } ] }
                """),
            """["2/2","Running","0"]"""
        },
        {
            "pending and not yet scheduled",
            Pod("""{ "containers": [ { "name": "a" } ] }""", """{ "phase": "Pending" }"""),
            """["0/1","Pending","0"]"""
        },
        {
            "held by a scheduling gate",
            Pod("""{ "containers": [ { "name": "a" } ] }""", """
                { "phase": "Pending", "conditions": [ { "type": "PodScheduled", "status": "False", "reason": "SchedulingGated" } ] }
                """),
            """["0/1","SchedulingGated","0"]"""
        },
        {
            "the first container's waiting reason wins over later ones",
            Pod("""{ "containers": [ { "name": "a" }, { "name": "b" } ] }""", """
                { "phase": "Pending", "containerStatuses": [
                  { "name": "a", "restartCount": 0, "state": { "waiting": { "reason": "ImagePullBackOff" } } },
                  { "name": "b", "restartCount": 0, "state": { "waiting": { "reason": "CrashLoopBackOff" } } } ] }
                """),
            """["0/2","ImagePullBackOff","0"]"""
        },
        {
            "second of two init containers still running",
            Pod("""
                { "initContainers": [ { "name": "migrate" }, { "name": "warm-cache" } ], "containers": [ { "name": "app" } ] }
                """, """
                { "phase": "Pending",
                  "conditions": [ { "type": "Initialized", "status": "False" } ],
                  "initContainerStatuses": [
                    { "name": "migrate", "restartCount": 0, "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } },
                    { "name": "warm-cache", "restartCount": 0, "state": { "running": {} } } ],
                  "containerStatuses": [ { "name": "app", "restartCount": 0, "state": { "waiting": { "reason": "PodInitializing" } } } ] }
                """),
            """["0/1","Init:1/2","0"]"""
        },
        {
            "init container crash-looping",
            Pod("""{ "initContainers": [ { "name": "migrate" } ], "containers": [ { "name": "app" } ] }""", $$"""
                { "phase": "Pending",
                  "initContainerStatuses": [ { "name": "migrate", "restartCount": 4,
                    "state": { "waiting": { "reason": "CrashLoopBackOff" } },
                    "lastState": { "terminated": { "exitCode": 1, "finishedAt": "{{Ago(TimeSpan.FromMinutes(10))}}" } } } ],
                  "containerStatuses": [ { "name": "app", "restartCount": 0, "state": { "waiting": { "reason": "PodInitializing" } } } ] }
                """),
            """["0/1","Init:CrashLoopBackOff","4 (10m ago)"]"""
        },
        {
            "init container failed with a reason",
            Pod("""{ "initContainers": [ { "name": "migrate" } ], "containers": [ { "name": "app" } ] }""", """
                { "phase": "Pending", "initContainerStatuses": [
                  { "name": "migrate", "restartCount": 0, "state": { "terminated": { "exitCode": 1, "reason": "Error" } } } ] }
                """),
            """["0/1","Init:Error","0"]"""
        },
        {
            "init container killed by a signal",
            Pod("""{ "initContainers": [ { "name": "migrate" } ], "containers": [ { "name": "app" } ] }""", """
                { "phase": "Pending", "initContainerStatuses": [
                  { "name": "migrate", "restartCount": 0, "state": { "terminated": { "exitCode": 137, "signal": 9 } } } ] }
                """),
            """["0/1","Init:Signal:9","0"]"""
        },
        {
            "init container exited without a reason",
            Pod("""{ "initContainers": [ { "name": "migrate" } ], "containers": [ { "name": "app" } ] }""", """
                { "phase": "Pending", "initContainerStatuses": [
                  { "name": "migrate", "restartCount": 0, "state": { "terminated": { "exitCode": 2 } } } ] }
                """),
            """["0/1","Init:ExitCode:2","0"]"""
        },
        {
            "app container exited without a reason",
            Pod("""{ "containers": [ { "name": "app" } ] }""", """
                { "phase": "Running", "containerStatuses": [
                  { "name": "app", "restartCount": 0, "state": { "terminated": { "exitCode": 137 } } } ] }
                """),
            """["0/1","ExitCode:137","0"]"""
        },
        {
            "a job pod that finished",
            Pod("""{ "containers": [ { "name": "job" } ] }""", """
                { "phase": "Succeeded", "containerStatuses": [
                  { "name": "job", "restartCount": 0, "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } } ] }
                """),
            """["0/1","Completed","0"]"""
        },
        {
            "a job pod that failed",
            Pod("""{ "containers": [ { "name": "job" } ] }""", """
                { "phase": "Failed", "containerStatuses": [
                  { "name": "job", "restartCount": 0, "state": { "terminated": { "exitCode": 1, "reason": "Error" } } } ] }
                """),
            """["0/1","Error","0"]"""
        },
        {
            "evicted: the pod's own reason",
            Pod("""{ "containers": [ { "name": "app" } ] }""", """
                { "phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory." }
                """),
            """["0/1","Evicted","0"]"""
        },
        {
            "one container completed while another still runs and the pod is ready",
            Pod("""{ "containers": [ { "name": "setup" }, { "name": "app" } ] }""", """
                { "phase": "Running", "conditions": [ { "type": "Ready", "status": "True" } ], "containerStatuses": [
                  { "name": "setup", "restartCount": 0, "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } },
                  { "name": "app", "ready": true, "restartCount": 0, "state": { "running": {} } } ] }
                """),
            """["1/2","Running","0"]"""
        },
        {
            "one container completed while another still runs but the pod is not ready",
            Pod("""{ "containers": [ { "name": "setup" }, { "name": "app" } ] }""", """
                { "phase": "Running", "containerStatuses": [
                  { "name": "setup", "restartCount": 0, "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } },
                  { "name": "app", "ready": true, "restartCount": 0, "state": { "running": {} } } ] }
                """),
            """["1/2","NotReady","0"]"""
        },
        {
            "a started sidecar counts as a ready container and its restarts count",
            Pod("""
                { "initContainers": [ { "name": "proxy", "restartPolicy": "Always" } ], "containers": [ { "name": "app" } ] }
                """, $$"""
                { "phase": "Running",
                  "conditions": [ { "type": "Initialized", "status": "True" }, { "type": "Ready", "status": "True" } ],
                  "initContainerStatuses": [ { "name": "proxy", "ready": true, "started": true, "restartCount": 2,
                    "state": { "running": {} },
                    "lastState": { "terminated": { "exitCode": 1, "finishedAt": "{{Ago(TimeSpan.FromHours(5))}}" } } } ],
                  "containerStatuses": [ { "name": "app", "ready": true, "restartCount": 1, "state": { "running": {} },
                    "lastState": { "terminated": { "exitCode": 1, "finishedAt": "{{Ago(TimeSpan.FromMinutes(90))}}" } } } ] }
                """),
            """["2/2","Running","3 (90m ago)"]"""
        },
        {
            "restarts without a recorded termination time show no age",
            Pod("""{ "containers": [ { "name": "app" } ] }""", """
                { "phase": "Running", "containerStatuses": [
                  { "name": "app", "ready": true, "restartCount": 3, "state": { "running": {} } } ] }
                """),
            """["1/1","Running","3"]"""
        },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Pod_status_column_follows_the_printer_rules(string situation, string pod, string readyStatusRestarts)
    {
        var cells = TableConverter.Cells("", "pods", Parse(pod), Now);
        var shown = new System.Text.Json.Nodes.JsonArray(cells[1]!.DeepClone(), cells[2]!.DeepClone(), cells[3]!.DeepClone());
        Assert.True(readyStatusRestarts == shown.ToJsonString(Readable), $"{situation}: {shown.ToJsonString(Readable)}");
    }

    [Fact]
    public void Terminating_pod_shows_Terminating_whatever_its_containers_say()
    {
        var pod = Parse(CrashingPod);
        pod["metadata"]!["deletionTimestamp"] = Ago(TimeSpan.FromSeconds(20));

        Assert.Equal("Terminating", TableConverter.Cells("", "pods", pod, Now)[2]!.GetValue<string>());
    }

    [Fact]
    public void Deleted_pod_on_a_lost_node_shows_Unknown()
    {
        var pod = Parse(Pod("""{ "containers": [ { "name": "app" } ] }""",
            """{ "phase": "Running", "reason": "NodeLost" }"""));
        pod["metadata"]!["deletionTimestamp"] = Ago(TimeSpan.FromMinutes(1));

        Assert.Equal("Unknown", TableConverter.Cells("", "pods", pod, Now)[2]!.GetValue<string>());
    }

    [Fact]
    public void Finished_pod_being_deleted_keeps_its_final_status()
    {
        var pod = Parse(Pod("""{ "containers": [ { "name": "job" } ] }""", """
            { "phase": "Succeeded", "containerStatuses": [
              { "name": "job", "restartCount": 0, "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } } ] }
            """));
        pod["metadata"]!["deletionTimestamp"] = Ago(TimeSpan.FromMinutes(1));

        Assert.Equal("Completed", TableConverter.Cells("", "pods", pod, Now)[2]!.GetValue<string>());
    }

    [Fact]
    public void Wide_columns_show_placeholders_for_an_unscheduled_pod_without_creation_time()
    {
        const string pod = """
            { "metadata": { "name": "pending" }, "spec": { "containers": [ { "name": "a" } ] }, "status": { "phase": "Pending" } }
            """;

        Assert.Equal("""["pending","0/1","Pending","0","<unknown>","<none>","<none>","<none>","<none>"]""",
            CellsOf("", "pods", pod));
    }

    [Fact]
    public void Wide_columns_show_ip_node_nominated_node_and_passed_readiness_gates()
    {
        const string pod = """
            {
              "metadata": { "name": "gated", "creationTimestamp": "2025-03-10T11:59:15Z" },
              "spec": { "nodeName": "edge-2", "containers": [ { "name": "a" } ],
                        "readinessGates": [ { "conditionType": "example.com/lb-ready" }, { "conditionType": "example.com/warm" } ] },
              "status": {
                "phase": "Running",
                "podIPs": [ { "ip": "fd00::9" } ],
                "nominatedNodeName": "edge-3",
                "conditions": [ { "type": "example.com/lb-ready", "status": "True" }, { "type": "example.com/warm", "status": "False" } ],
                "containerStatuses": [ { "name": "a", "ready": true, "restartCount": 0, "state": { "running": {} } } ]
              }
            }
            """;

        Assert.Equal("""["gated","1/1","Running","0","45s","fd00::9","edge-2","edge-3","1/2"]""", CellsOf("", "pods", pod));
    }

    [Theory]
    [InlineData("Succeeded", """[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]""")]
    [InlineData("Failed", """[{"type":"Completed","status":"True","reason":"Failed","message":"The pod failed."}]""")]
    [InlineData("Running", "[]")]
    [InlineData("Pending", "[]")]
    public void Finished_pods_carry_a_Completed_row_condition(string phase, string expected)
    {
        var pod = Parse(Pod("""{ "containers": [ { "name": "a" } ] }""", $$"""{ "phase": "{{phase}}" }"""));

        var conditions = TableConverter.Conditions("", "pods", pod);

        Assert.Equal(expected, System.Text.Json.JsonSerializer.Serialize(conditions,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
    }

    private static string Pod(string spec, string status) => $$"""
        { "apiVersion": "v1", "kind": "Pod",
          "metadata": { "name": "p", "namespace": "default", "creationTimestamp": "{{Created}}" },
          "spec": {{spec}},
          "status": {{status}} }
        """;
}
