using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

/// <summary>Kinds whose row is the name, one or two plain fields and the age.</summary>
public sealed class SimpleKindCellsTests
{
    private static readonly string Created = Ago(TimeSpan.FromMinutes(45));

    public static TheoryData<string, string, string, string> Objects => new()
    {
        {
            "", "secrets",
            """
            "type": "kubernetes.io/tls",
            "data": { "tls.crt": "Y2VydA==", "tls.key": "a2V5", "ca.crt": "Y2E=" }
            """,
            """["web-tls","kubernetes.io/tls",3,"45m"]"""
        },
        {
            "", "configmaps",
            """
            "data": { "nginx.conf": "events {}", "index.html": "<h1>hi</h1>" },
            "binaryData": { "favicon.ico": "AAABAA==" }
            """,
            """["web-tls",3,"45m"]"""
        },
        { "", "configmaps", "\"immutable\": true", """["web-tls",0,"45m"]""" },
        { "", "namespaces", """ "spec": { "finalizers": [ "kubernetes" ] }, "status": { "phase": "Terminating" } """, """["web-tls","Terminating","45m"]""" },
        {
            "", "serviceaccounts",
            """ "secrets": [ { "name": "web-token-abcde" } ], "imagePullSecrets": [ { "name": "registry" } ] """,
            """["web-tls",1,"45m"]"""
        },
        { "", "serviceaccounts", "\"automountServiceAccountToken\": false", """["web-tls",0,"45m"]""" },
        {
            "coordination.k8s.io", "leases",
            """ "spec": { "holderIdentity": "edge-1_4b1c8f52", "leaseDurationSeconds": 40, "renewTime": "2025-03-10T11:59:58.000000Z" } """,
            """["web-tls","edge-1_4b1c8f52","45m"]"""
        },
        { "coordination.k8s.io", "leases", """ "spec": {} """, """["web-tls","","45m"]""" },
        { "node.k8s.io", "runtimeclasses", """ "handler": "kata" """, """["web-tls","kata","45m"]""" },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Row_shows_name_fields_and_age(string group, string resource, string body, string expected)
    {
        var obj = $$"""
            { "metadata": { "name": "web-tls", "namespace": "shop", "creationTimestamp": "{{Created}}" }, {{body}} }
            """;

        Assert.Equal(expected, CellsOf(group, resource, obj));
    }

    [Theory]
    [InlineData("""{ "metadata": { "name": "w1", "creationTimestamp": "2025-03-10T08:56:00Z" } }""", """["w1","3h4m"]""")]
    [InlineData("""{ "metadata": { "name": "w2" } }""", """["w2",null]""")]
    [InlineData("""{ "metadata": { "name": "w3", "creationTimestamp": "yesterday" } }""", """["w3","<invalid>"]""")]
    public void Custom_resource_row_is_name_and_age_like_a_CRD_without_printer_columns(string obj, string expected) =>
        Assert.Equal(expected, CellsOf("widgets.example.com", "widgets", obj));
}
