using System.Text.Json.Nodes;
using MetaServer.Domain.Tables;

namespace MetaServer.IntegrationTests.Domain.Tables;

/// <summary>kubectl get roles / rolebindings print what they print against the apiserver.</summary>
public sealed class RbacCellsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T01:00:00Z");

    [Theory]
    [InlineData("roles", "Name Created_At")]
    [InlineData("clusterroles", "Name Created_At")]
    [InlineData("rolebindings", "Name Role Age Users* Groups* ServiceAccounts*")]
    [InlineData("clusterrolebindings", "Name Role Age Users* Groups* ServiceAccounts*")]
    public void Rbac_kinds_have_the_apiserver_columns(string resource, string expected)
    {
        var shown = TableConverter.Columns("rbac.authorization.k8s.io", resource).Select(c => c.Name.Replace(' ', '_') + (c.Priority == 1 ? "*" : ""));
        Assert.Equal(expected, string.Join(' ', shown));
    }

    [Fact]
    public void A_binding_row_shows_its_role_and_subjects_by_kind()
    {
        var binding = JsonNode.Parse("""
            {"metadata":{"name":"b","namespace":"default","creationTimestamp":"2026-01-01T00:00:00Z"},
             "roleRef":{"kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"User","name":"jane"},{"kind":"Group","name":"system:nodes"},{"kind":"User","name":"joe"},
                         {"kind":"ServiceAccount","name":"reader","namespace":"apps"}]}
            """)!.AsObject();
        var cells = TableConverter.Cells("rbac.authorization.k8s.io", "rolebindings", binding, Now);
        Assert.Equal("""["b","ClusterRole/view","60m","jane, joe","system:nodes","apps/reader"]""", cells.ToJsonString());
    }

    [Fact]
    public void A_role_row_shows_its_creation_time()
    {
        var role = JsonNode.Parse("""{"metadata":{"name":"r","creationTimestamp":"2026-01-01T00:00:00Z"},"rules":[]}""")!.AsObject();
        Assert.Equal("""["r","2026-01-01T00:00:00Z"]""", TableConverter.Cells("rbac.authorization.k8s.io", "clusterroles", role, Now).ToJsonString());
    }
}
