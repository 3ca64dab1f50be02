using System.Globalization;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// The pod row: READY, the aggregated STATUS the kubelet's container states add up to, RESTARTS with the time of
/// the last restart, AGE, and the wide columns. The STATUS rules follow the apiserver's pod printer step by step,
/// because users read "CrashLoopBackOff" or "Init:1/2" from it.
/// </summary>
internal static class PodPrinter
{
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Ready", "Containers ready to serve traffic out of all containers of the pod."),
        TableColumn.Text("Status", "The pod's state summed up from its phase and its containers' states."),
        TableColumn.Text("Restarts", "Container restarts in the pod, and how long ago the last one was."),
        TableColumn.Age,
        TableColumn.WideText("IP", "The pod's primary IP address."),
        TableColumn.WideText("Node", "The node the pod is bound to."),
        TableColumn.WideText("Nominated Node", "The node preemption made room on, while the pod waits for it."),
        TableColumn.WideText("Readiness Gates", "Readiness gates whose condition is True, out of all gates."),
    ];

    private static readonly TableRowCondition[] Succeeded =
        [new("Completed", "True", "Succeeded", "The pod has completed successfully.")];

    private static readonly TableRowCondition[] Failed =
        [new("Completed", "True", "Failed", "The pod failed.")];

    /// <summary>Finished pods carry a Completed row condition.</summary>
    public static IReadOnlyList<TableRowCondition> Conditions(JsonObject pod) =>
        pod.Obj("status").Text("phase") switch
        {
            "Succeeded" => Succeeded,
            "Failed" => Failed,
            _ => [],
        };

    public static JsonArray Cells(JsonObject pod, DateTimeOffset now)
    {
        var metadata = pod.Obj("metadata");
        var spec = pod.Obj("spec");
        var status = pod.Obj("status");
        var phase = status.Text("phase");
        var reason = status.Text("reason") is { Length: > 0 } statusReason ? statusReason : phase;

        foreach (var condition in status.Objects("conditions"))
        {
            if (condition.Text("type") == "PodScheduled" && condition.Text("reason") == "SchedulingGated")
                reason = "SchedulingGated";
        }

        // Sidecars (init containers that keep running) count as containers of the pod.
        var total = spec.CountOf("containers");
        var initSpecs = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var init in spec.Objects("initContainers"))
        {
            var sidecar = init.TextOrNull("restartPolicy") == "Always";
            initSpecs[init.Text("name")] = sidecar;
            if (sidecar)
                total++;
        }
        var initCount = spec.CountOf("initContainers");

        var ready = 0;
        long restarts = 0;
        long sidecarRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastSidecarRestart = null;
        var initializing = false;

        var index = 0;
        foreach (var container in status.Objects("initContainerStatuses"))
        {
            var isSidecar = initSpecs.TryGetValue(container.Text("name"), out var sidecar) && sidecar;
            var count = container.Integer("restartCount");
            var finished = LastTermination(container);
            restarts += count;
            lastRestart = Later(lastRestart, finished);
            if (isSidecar)
            {
                sidecarRestarts += count;
                lastSidecarRestart = Later(lastSidecarRestart, finished);
            }

            var state = container.Obj("state");
            var terminated = state.Obj("terminated");
            var waiting = state.Obj("waiting");
            if (terminated is not null && terminated.Integer("exitCode") == 0)
            {
                index++;
                continue;
            }
            if (isSidecar && container.Flag("started"))
            {
                if (container.Flag("ready"))
                    ready++;
                index++;
                continue;
            }

            initializing = true;
            if (terminated is not null)
                reason = "Init:" + TerminationReason(terminated);
            else if (waiting.Text("reason") is { Length: > 0 } waitReason && waitReason != "PodInitializing")
                reason = "Init:" + waitReason;
            else
                reason = Invariant($"Init:{index}/{initCount}");
            break;
        }

        // Once init containers are done (or the pod says so), only sidecar and app container restarts count.
        if (!initializing || IsInitialized(status))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = status.Arr("containerStatuses");
            for (var i = (statuses?.Count ?? 0) - 1; i >= 0; i--)
            {
                if (statuses![i] is not JsonObject container)
                    continue;
                restarts += container.Integer("restartCount");
                lastRestart = Later(lastRestart, LastTermination(container));

                var state = container.Obj("state");
                var terminated = state.Obj("terminated");
                if (state.Obj("waiting").Text("reason") is { Length: > 0 } waitReason)
                    reason = waitReason;
                else if (terminated is not null)
                    reason = TerminationReason(terminated);
                else if (container.Flag("ready") && state.Has("running"))
                {
                    hasRunning = true;
                    ready++;
                }
            }

            // A finished container next to running ones must not make the whole pod look finished.
            if (reason == "Completed" && hasRunning)
                reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
        }

        if (metadata.Has("deletionTimestamp"))
        {
            if (status.Text("reason") == "NodeLost")
                reason = "Unknown";
            else if (phase is not ("Succeeded" or "Failed"))
                reason = "Terminating";
        }

        var restartCell = restarts != 0 && lastRestart is { } last
            ? Invariant($"{restarts} ({HumanDuration.Format(now - last)} ago)")
            : restarts.ToString(CultureInfo.InvariantCulture);

        return
        [
            metadata.Text("name"),
            Invariant($"{ready}/{total}"),
            reason,
            restartCell,
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
            OrNone(PodIP(status)),
            OrNone(spec.Text("nodeName")),
            OrNone(status.Text("nominatedNodeName")),
            ReadinessGates(spec, status),
        ];
    }

    private static string TerminationReason(JsonObject terminated)
    {
        if (terminated.Text("reason") is { Length: > 0 } named)
            return named;
        var signal = terminated.Integer("signal");
        return signal != 0
            ? Invariant($"Signal:{signal}")
            : Invariant($"ExitCode:{terminated.Integer("exitCode")}");
    }

    private static DateTimeOffset? LastTermination(JsonObject container) =>
        container.Obj("lastState").Obj("terminated").Time("finishedAt");

    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } c && (current is null || c > current) ? candidate : current;

    private static bool IsInitialized(JsonObject? status)
    {
        foreach (var condition in status.Objects("conditions"))
        {
            // Only the first Initialized condition counts.
            if (condition.Text("type") == "Initialized")
                return condition.Text("status") == "True";
        }
        return false;
    }

    private static bool HasCondition(JsonObject? status, string type)
    {
        foreach (var condition in status.Objects("conditions"))
        {
            if (condition.Text("type") == type && condition.Text("status") == "True")
                return true;
        }
        return false;
    }

    // The v1 podIP wins over podIPs when both are set, as in the apiserver's conversion to its internal pod.
    private static string PodIP(JsonObject? status)
    {
        if (status.Text("podIP") is { Length: > 0 } ip)
            return ip;
        foreach (var podIP in status.Objects("podIPs"))
            return podIP.Text("ip");
        return "";
    }

    private static string ReadinessGates(JsonObject? spec, JsonObject? status)
    {
        var gates = spec.Arr("readinessGates");
        if (gates is null || gates.Count == 0)
            return "<none>";
        var passed = 0;
        foreach (var gate in gates)
        {
            var type = (gate as JsonObject).Text("conditionType");
            foreach (var condition in status.Objects("conditions"))
            {
                if (condition.Text("type") != type)
                    continue;
                if (condition.Text("status") == "True")
                    passed++;
                break;
            }
        }
        return Invariant($"{passed}/{gates.Count}");
    }

    private static string OrNone(string value) => value.Length == 0 ? "<none>" : value;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
