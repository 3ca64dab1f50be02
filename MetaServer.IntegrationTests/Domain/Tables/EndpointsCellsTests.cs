using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class EndpointsCellsTests
{
    public static TheoryData<string, string, string> Endpoints => new()
    {
        {
            "two addresses on two ports: three shown, one more",
            """
            "subsets": [ {
              "addresses": [ { "ip": "10.42.0.7" }, { "ip": "10.42.1.9" } ],
              "ports": [ { "name": "http", "port": 8080, "protocol": "TCP" }, { "name": "metrics", "port": 9090, "protocol": "TCP" } ]
            } ]
            """,
            "10.42.0.7:8080,10.42.1.9:8080,10.42.0.7:9090 + 1 more..."
        },
        {
            "exactly three shown without a tail",
            """
            "subsets": [ { "addresses": [ { "ip": "10.0.0.1" }, { "ip": "10.0.0.2" }, { "ip": "10.0.0.3" } ], "ports": [ { "port": 80 } ] } ]
            """,
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80"
        },
        {
            "IPv6 addresses are bracketed",
            """
            "subsets": [ { "addresses": [ { "ip": "fd00::7" } ], "ports": [ { "port": 443 } ] } ]
            """,
            "[fd00::7]:443"
        },
        {
            "headless service without ports lists bare addresses",
            """
            "subsets": [ { "addresses": [ { "ip": "10.0.0.1" }, { "ip": "10.0.0.2" } ] } ]
            """,
            "10.0.0.1,10.0.0.2"
        },
        {
            "not-ready addresses are not listed",
            """
            "subsets": [ { "notReadyAddresses": [ { "ip": "10.0.0.1" } ], "ports": [ { "port": 80 } ] } ]
            """,
            ""
        },
        {
            "no subsets",
            "\"subsets\": []",
            "<none>"
        },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Endpoints_row_lists_the_first_three_addresses(string situation, string subsets, string expected)
    {
        var endpoints = $$"""
            { "apiVersion": "v1", "kind": "Endpoints",
              "metadata": { "name": "shop", "namespace": "shop", "creationTimestamp": "{{Ago(TimeSpan.FromDays(3))}}" },
              {{subsets}} }
            """;

        var cells = MetaServer.Domain.Tables.TableConverter.Cells("", "endpoints", Parse(endpoints), Now);

        Assert.True(cells.Count == 3 && cells[1]!.GetValue<string>() == expected && cells[2]!.GetValue<string>() == "3d",
            $"{situation}: {cells.ToJsonString(Readable)}");
    }

    [Fact]
    public void Endpoint_slice_row_lists_address_type_ports_and_addresses()
    {
        var slice = $$"""
            {
              "apiVersion": "discovery.k8s.io/v1",
              "kind": "EndpointSlice",
              "metadata": { "name": "shop-abc12", "namespace": "shop", "creationTimestamp": "{{Ago(TimeSpan.FromHours(30))}}",
                            "labels": { "kubernetes.io/service-name": "shop" } },
              "addressType": "IPv4",
              "ports": [ { "name": "http", "port": 8080, "protocol": "TCP" }, { "name": "named-only" }, {},
                         { "name": "metrics", "port": 9090 } ],
              "endpoints": [
                { "addresses": [ "10.42.0.7" ], "conditions": { "ready": true }, "nodeName": "edge-1" },
                { "addresses": [ "10.42.1.9", "10.42.1.10" ], "conditions": { "ready": false } },
                { "addresses": [ "10.42.2.3" ] }
              ]
            }
            """;

        Assert.Equal(
            """["shop-abc12","IPv4","8080,named-only,* + 1 more...","10.42.0.7,10.42.1.9,10.42.1.10 + 1 more...","30h"]""",
            CellsOf("discovery.k8s.io", "endpointslices", slice));
    }

    [Fact]
    public void Empty_endpoint_slice_shows_unset()
    {
        Assert.Equal(
            """["empty","IPv6","<unset>","<unset>","<unknown>"]""",
            CellsOf("discovery.k8s.io", "endpointslices", """{ "metadata": { "name": "empty" }, "addressType": "IPv6", "endpoints": [] }"""));
    }
}
