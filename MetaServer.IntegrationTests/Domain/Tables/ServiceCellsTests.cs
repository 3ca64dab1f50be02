using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class ServiceCellsTests
{
    private static readonly string Created = Ago(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(5));

    public static TheoryData<string, string, string> Services => new()
    {
        {
            "LoadBalancer with node ports and a mixed, unsorted ingress",
            """
            "spec": {
              "type": "LoadBalancer",
              "clusterIP": "10.43.12.7", "clusterIPs": [ "10.43.12.7" ],
              "selector": { "app": "shop", "tier": "front" },
              "ports": [
                { "name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP" },
                { "name": "https", "port": 443, "targetPort": 8443, "nodePort": 30443, "protocol": "TCP" }
              ]
            },
            "status": { "loadBalancer": { "ingress": [ { "ip": "203.0.113.20" }, { "hostname": "lb.example.com" }, { "ip": "203.0.113.10" }, { "ip": "203.0.113.10" } ] } }
            """,
            """["shop","LoadBalancer","10.43.12.7","203.0.113.10,203.0.113.20,lb.example.com","80:30080/TCP,443:30443/TCP","7m5s","app=shop,tier=front"]"""
        },
        {
            "LoadBalancer still waiting for its address",
            """
            "spec": { "type": "LoadBalancer", "clusterIPs": [ "10.43.0.9" ], "ports": [ { "port": 53, "nodePort": 31053, "protocol": "UDP" } ] },
            "status": { "loadBalancer": {} }
            """,
            """["shop","LoadBalancer","10.43.0.9","<pending>","53:31053/UDP","7m5s","<none>"]"""
        },
        {
            "LoadBalancer with external IPs after its ingress",
            """
            "spec": { "type": "LoadBalancer", "clusterIPs": [ "10.43.0.9" ], "externalIPs": [ "198.51.100.1" ], "ports": [ { "port": 80, "protocol": "TCP" } ] },
            "status": { "loadBalancer": { "ingress": [ { "ip": "203.0.113.10" } ] } }
            """,
            """["shop","LoadBalancer","10.43.0.9","203.0.113.10,198.51.100.1","80/TCP","7m5s","<none>"]"""
        },
        {
            "ClusterIP, dual stack: the first cluster IP shows",
            """
            "spec": { "type": "ClusterIP", "clusterIP": "10.43.0.10", "clusterIPs": [ "10.43.0.10", "fd00:43::a" ],
                      "selector": { "k8s-app": "kube-dns" },
                      "ports": [ { "name": "dns", "port": 53, "protocol": "UDP" }, { "name": "dns-tcp", "port": 53, "protocol": "TCP" } ] }
            """,
            """["shop","ClusterIP","10.43.0.10","<none>","53/UDP,53/TCP","7m5s","k8s-app=kube-dns"]"""
        },
        {
            "headless with no ports",
            """
            "spec": { "type": "ClusterIP", "clusterIP": "None", "clusterIPs": [ "None" ], "selector": { "app": "db" } }
            """,
            """["shop","ClusterIP","None","<none>","<none>","7m5s","app=db"]"""
        },
        {
            "NodePort with an external IP",
            """
            "spec": { "type": "NodePort", "clusterIPs": [ "10.43.1.1" ], "externalIPs": [ "192.168.1.50", "192.168.1.51" ],
                      "ports": [ { "port": 8080, "nodePort": 32000, "protocol": "TCP" } ] }
            """,
            """["shop","NodePort","10.43.1.1","192.168.1.50,192.168.1.51","8080:32000/TCP","7m5s","<none>"]"""
        },
        {
            "ExternalName has no cluster IP and shows its target",
            """
            "spec": { "type": "ExternalName", "externalName": "db.example.com" }
            """,
            """["shop","ExternalName","<none>","db.example.com","<none>","7m5s","<none>"]"""
        },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Service_row_matches_the_apiserver(string situation, string specAndStatus, string expected)
    {
        var service = $$"""
            { "apiVersion": "v1", "kind": "Service",
              "metadata": { "name": "shop", "namespace": "shop", "creationTimestamp": "{{Created}}" },
              {{specAndStatus}} }
            """;

        var actual = CellsOf("", "services", service);

        Assert.True(expected == actual, $"{situation}: {actual}");
    }

    [Fact]
    public void Selector_pairs_sort_as_whole_pairs()
    {
        const string service = """
            { "metadata": { "name": "s" }, "spec": { "type": "ClusterIP", "selector": { "a": "2", "a.b": "1" } } }
            """;

        Assert.EndsWith(""","<unknown>","a.b=1,a=2"]""", CellsOf("", "services", service));
    }
}
