using MetaServer.Domain.Tables;
using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class NodeCellsTests
{
    [Fact]
    public void Cordoned_control_plane_node_shows_ready_scheduling_disabled_and_sorted_roles()
    {
        var node = $$"""
            {
              "apiVersion": "v1",
              "kind": "Node",
              "metadata": {
                "name": "cp-1",
                "creationTimestamp": "{{Ago(TimeSpan.FromDays(40))}}",
                "labels": {
                  "kubernetes.io/hostname": "cp-1",
                  "node-role.kubernetes.io/master": "",
                  "node-role.kubernetes.io/control-plane": "",
                  "node-role.kubernetes.io/": ""
                }
              },
              "spec": { "unschedulable": true, "taints": [ { "key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule" } ] },
              "status": {
                "conditions": [
                  { "type": "MemoryPressure", "status": "False" },
                  { "type": "DiskPressure", "status": "False" },
                  { "type": "Ready", "status": "True", "reason": "KubeletReady" }
                ],
                "addresses": [
                  { "type": "Hostname", "address": "cp-1" },
                  { "type": "InternalIP", "address": "192.168.1.10" },
                  { "type": "InternalIP", "address": "fd00::10" }
                ],
                "nodeInfo": {
                  "kubeletVersion": "v1.32.3",
                  "osImage": "Ubuntu 24.04.1 LTS",
                  "kernelVersion": "6.8.0-45-generic",
                  "containerRuntimeVersion": "containerd://1.7.22"
                }
              }
            }
            """;

        Assert.Equal(
            """["cp-1","Ready,SchedulingDisabled","control-plane,master","40d","v1.32.3","192.168.1.10","<none>","Ubuntu 24.04.1 LTS","6.8.0-45-generic","containerd://1.7.22"]""",
            CellsOf("", "nodes", node));
    }

    [Fact]
    public void Edge_node_with_legacy_role_label_and_external_ip()
    {
        var node = $$"""
            {
              "metadata": { "name": "edge-7", "creationTimestamp": "{{Ago(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(12))}}",
                            "labels": { "kubernetes.io/role": "edge", "node-role.kubernetes.io/agent": "" } },
              "status": {
                "conditions": [ { "type": "Ready", "status": "False", "reason": "KubeletNotReady" } ],
                "addresses": [ { "type": "ExternalIP", "address": "203.0.113.7" }, { "type": "InternalIP", "address": "10.1.0.7" } ],
                "nodeInfo": { "kubeletVersion": "v1.30.6-kubeedge-v1.20.0" }
              }
            }
            """;

        Assert.Equal(
            """["edge-7","NotReady","agent,edge","5h12m","v1.30.6-kubeedge-v1.20.0","10.1.0.7","203.0.113.7","<unknown>","<unknown>","<unknown>"]""",
            CellsOf("", "nodes", node));
    }

    [Theory]
    [InlineData("""{ "metadata": { "name": "n" } }""", "Unknown")]
    [InlineData("""{ "metadata": { "name": "n" }, "status": { "conditions": [ { "type": "Ready", "status": "Unknown" } ] } }""", "NotReady")]
    [InlineData("""{ "metadata": { "name": "n" }, "spec": { "unschedulable": true } }""", "Unknown,SchedulingDisabled")]
    [InlineData("""{ "metadata": { "name": "n" }, "status": { "conditions": [ { "type": "DiskPressure", "status": "True" } ] } }""", "Unknown")]
    public void Node_status_comes_from_the_Ready_condition_only(string node, string expected) =>
        Assert.Equal(expected, TableConverter.Cells("", "nodes", Parse(node), Now)[1]!.GetValue<string>());

    [Fact]
    public void Node_without_role_labels_has_no_roles() =>
        Assert.StartsWith("""["bare","Unknown","<none>",""",
            CellsOf("", "nodes", """{ "metadata": { "name": "bare", "labels": { "kubernetes.io/role": "" } } }"""));
}
