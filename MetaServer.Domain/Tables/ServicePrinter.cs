using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>The service row: type, cluster IP, external addresses by service type, ports and selector.</summary>
internal static class ServicePrinter
{
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Type", "How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName."),
        TableColumn.Text("Cluster-IP", "The service's primary cluster IP, or None for a headless service."),
        TableColumn.Text("External-IP", "Addresses the service is reachable on from outside the cluster."),
        TableColumn.Text("Port(s)", "Service ports as port[:nodePort]/protocol."),
        TableColumn.Age,
        TableColumn.WideText("Selector", "The label selector that picks the service's pods."),
    ];

    public static JsonArray Cells(JsonObject service, DateTimeOffset now)
    {
        var metadata = service.Obj("metadata");
        var spec = service.Obj("spec");
        var ports = Ports(spec);

        return
        [
            metadata.Text("name"),
            spec.Text("type"),
            ClusterIP(spec),
            ExternalIP(spec, service.Obj("status")),
            ports.Length == 0 ? "<none>" : ports,
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
            Labels.Format(spec.Obj("selector")),
        ];
    }

    private static string ClusterIP(JsonObject? spec)
    {
        foreach (var ip in spec.Strings("clusterIPs"))
            return ip;
        return spec.Text("clusterIP") is { Length: > 0 } single ? single : "<none>";
    }

    private static string ExternalIP(JsonObject? spec, JsonObject? status)
    {
        var externalIPs = new List<string>(spec.Strings("externalIPs"));
        switch (spec.Text("type"))
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(',', externalIPs) : "<none>";
            case "LoadBalancer":
                // Ingress points sorted and without duplicates; the server prints them unclipped (wide).
                var ingress = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var point in status.Obj("loadBalancer").Objects("ingress"))
                {
                    if (point.Text("ip") is { Length: > 0 } ip)
                        ingress.Add(ip);
                    else if (point.Text("hostname") is { Length: > 0 } hostname)
                        ingress.Add(hostname);
                }
                if (externalIPs.Count > 0)
                {
                    // Ingress points first, then the external IPs as listed (duplicates and all).
                    var all = new List<string>(ingress);
                    all.AddRange(externalIPs);
                    return string.Join(',', all);
                }
                return ingress.Count > 0 ? string.Join(',', ingress) : "<pending>";
            case "ExternalName":
                return spec.Text("externalName");
            default:
                return HumanDuration.Unknown;
        }
    }

    private static string Ports(JsonObject? spec)
    {
        var text = new StringBuilder();
        foreach (var port in spec.Objects("ports"))
        {
            if (text.Length > 0)
                text.Append(',');
            text.Append(port.Integer("port").ToString(CultureInfo.InvariantCulture));
            if (port.Integer("nodePort") is > 0 and var nodePort)
                text.Append(':').Append(nodePort.ToString(CultureInfo.InvariantCulture));
            text.Append('/').Append(port.Text("protocol"));
        }
        return text.ToString();
    }
}
