using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class EventCellsTests
{
    [Fact]
    public void Kubelet_event_shows_last_seen_object_source_first_seen_and_count()
    {
        var ev = $$"""
            {
              "apiVersion": "v1",
              "kind": "Event",
              "metadata": { "name": "shop-7d9f8-x2k4q.17f8a2b3c4d5e6f7", "namespace": "shop",
                            "creationTimestamp": "{{Ago(TimeSpan.FromMinutes(50))}}" },
              "involvedObject": { "kind": "Pod", "namespace": "shop", "name": "shop-7d9f8-x2k4q",
                                  "apiVersion": "v1", "fieldPath": "spec.containers{app}" },
              "reason": "BackOff",
              "message": "Back-off restarting failed container app in pod shop-7d9f8-x2k4q_shop\n",
              "source": { "component": "kubelet", "host": "edge-1" },
              "firstTimestamp": "{{Ago(TimeSpan.FromMinutes(50))}}",
              "lastTimestamp": "{{Ago(TimeSpan.FromSeconds(40))}}",
              "count": 23,
              "type": "Warning",
              "eventTime": null,
              "reportingComponent": "kubelet",
              "reportingInstance": "edge-1"
            }
            """;

        Assert.Equal(
            """["40s","Warning","BackOff","pod/shop-7d9f8-x2k4q","spec.containers{app}","kubelet, edge-1","Back-off restarting failed container app in pod shop-7d9f8-x2k4q_shop","50m",23,"shop-7d9f8-x2k4q.17f8a2b3c4d5e6f7"]""",
            CellsOf("", "events", ev));
    }

    [Fact]
    public void Event_from_the_events_API_uses_event_time_reporting_fields_and_count_one()
    {
        var ev = $$"""
            {
              "metadata": { "name": "lease-holder.1" },
              "involvedObject": { "kind": "Lease", "name": "controller" },
              "reason": "LeaderElection",
              "message": "edge-1 became leader",
              "source": {},
              "eventTime": "{{Ago(TimeSpan.FromMinutes(4)).Replace("Z", ".123456Z", StringComparison.Ordinal)}}",
              "reportingComponent": "edge-controller",
              "reportingInstance": "",
              "type": "Normal"
            }
            """;

        Assert.Equal(
            // The micro-second event time is 3m59.877s ago, and ages truncate.
            """["3m59s","Normal","LeaderElection","lease/controller","","edge-controller","edge-1 became leader","3m59s",1,"lease-holder.1"]""",
            CellsOf("", "events", ev));
    }

    [Fact]
    public void Event_series_replaces_last_seen_and_count()
    {
        var ev = $$"""
            {
              "metadata": { "name": "probe.2" },
              "involvedObject": { "kind": "Node" },
              "reason": "Unhealthy",
              "message": "  Readiness probe failed  ",
              "eventTime": "{{Ago(TimeSpan.FromHours(3))}}",
              "series": { "count": 42, "lastObservedTime": "{{Ago(TimeSpan.FromSeconds(90))}}" },
              "type": "Warning"
            }
            """;

        Assert.Equal(
            """["90s","Warning","Unhealthy","node","","","Readiness probe failed","3h",42,"probe.2"]""",
            CellsOf("", "events", ev));
    }

    [Fact]
    public void Event_without_any_timestamp_reads_unknown()
    {
        Assert.Equal(
            """["<unknown>","","","","","","","<unknown>",1,"e"]""",
            CellsOf("", "events", """{ "metadata": { "name": "e" } }"""));
    }
}
