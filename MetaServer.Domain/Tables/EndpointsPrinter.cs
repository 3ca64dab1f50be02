using System.Globalization;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// Rows of core/v1 endpoints and discovery.k8s.io/v1 endpointslices: the first three addresses (with ports) and
/// "+ N more..." for the rest, so a big service stays one readable line.
/// </summary>
internal static class EndpointsPrinter
{
    private const int Shown = 3;

    public static IReadOnlyList<TableColumn> EndpointsColumns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Endpoints", "The first addresses behind the service, as ip:port."),
        TableColumn.Age,
    ];

    public static IReadOnlyList<TableColumn> SliceColumns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("AddressType", "The kind of addresses in the slice: IPv4, IPv6 or FQDN."),
        TableColumn.Text("Ports", "The first ports of the slice."),
        TableColumn.Text("Endpoints", "The first addresses of the slice."),
        TableColumn.Age,
    ];

    public static JsonArray EndpointsCells(JsonObject endpoints, DateTimeOffset now)
    {
        var metadata = endpoints.Obj("metadata");
        return
        [
            metadata.Text("name"),
            Addresses(endpoints),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
        ];
    }

    public static JsonArray SliceCells(JsonObject slice, DateTimeOffset now)
    {
        var metadata = slice.Obj("metadata");

        var ports = new List<string>(Shown);
        var portCount = 0;
        foreach (var port in slice.Objects("ports"))
        {
            if (ports.Count < Shown)
            {
                ports.Add(port.Has("port") ? port.Integer("port").ToString(CultureInfo.InvariantCulture)
                    : port.TextOrNull("name") ?? "*");
            }
            portCount++;
        }

        var addresses = new List<string>(Shown);
        var addressCount = 0;
        foreach (var endpoint in slice.Objects("endpoints"))
        {
            foreach (var address in endpoint.Strings("addresses"))
            {
                if (addresses.Count < Shown)
                    addresses.Add(address);
                addressCount++;
            }
        }

        return
        [
            metadata.Text("name"),
            slice.Text("addressType"),
            ListOrUnset(ports, portCount),
            ListOrUnset(addresses, addressCount),
            HumanDuration.Since(metadata.Time("creationTimestamp"), now),
        ];
    }

    private static string Addresses(JsonObject endpoints)
    {
        var subsets = endpoints.Arr("subsets");
        if (subsets is null || subsets.Count == 0)
            return "<none>";

        var shown = new List<string>(Shown);
        var total = 0;
        foreach (var subset in endpoints.Objects("subsets"))
        {
            var addresses = new List<string>();
            foreach (var address in subset.Objects("addresses"))
                addresses.Add(address.Text("ip"));
            var ports = subset.Arr("ports");
            if (ports is null || ports.Count == 0)
            {
                // Headless services may have no ports: the addresses print bare.
                total += addresses.Count;
                foreach (var ip in addresses)
                {
                    if (shown.Count == Shown)
                        break;
                    shown.Add(ip);
                }
                continue;
            }

            foreach (var port in subset.Objects("ports"))
            {
                total += addresses.Count;
                var number = port.Integer("port").ToString(CultureInfo.InvariantCulture);
                foreach (var ip in addresses)
                {
                    if (shown.Count == Shown)
                        break;
                    shown.Add(ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{number}" : $"{ip}:{number}");
                }
            }
        }

        var joined = string.Join(',', shown);
        return total > Shown ? string.Create(CultureInfo.InvariantCulture, $"{joined} + {total - Shown} more...") : joined;
    }

    private static string ListOrUnset(List<string> shown, int total)
    {
        if (total > Shown)
            return string.Create(CultureInfo.InvariantCulture, $"{string.Join(',', shown)} + {total - Shown} more...");
        return shown.Count == 0 ? "<unset>" : string.Join(',', shown);
    }
}
