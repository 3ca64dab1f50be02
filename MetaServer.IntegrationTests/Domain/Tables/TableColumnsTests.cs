using MetaServer.Domain.Tables;
using static MetaServer.IntegrationTests.Domain.Tables.Rows;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class TableColumnsTests
{
    [Fact]
    public void Pod_columns_have_the_apiserver_names_types_and_priorities()
    {
        var columns = TableConverter.Columns("", "pods");

        Assert.Equal(
        [
            ("Name", "string", "name", 0),
            ("Ready", "string", "", 0),
            ("Status", "string", "", 0),
            ("Restarts", "string", "", 0),
            ("Age", "string", "", 0),
            ("IP", "string", "", 1),
            ("Node", "string", "", 1),
            ("Nominated Node", "string", "", 1),
            ("Readiness Gates", "string", "", 1),
        ], columns.Select(c => (c.Name, c.Type, c.Format, c.Priority)));
        Assert.All(columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Description)));
    }

    // Priority-1 columns are marked with '*'; kubectl shows them only with -o wide.
    [Theory]
    [InlineData("", "pods", "Name Ready Status Restarts Age IP* Node* Nominated_Node* Readiness_Gates*")]
    [InlineData("", "services", "Name Type Cluster-IP External-IP Port(s) Age Selector*")]
    [InlineData("", "nodes", "Name Status Roles Age Version Internal-IP* External-IP* OS-Image* Kernel-Version* Container-Runtime*")]
    [InlineData("", "configmaps", "Name Data Age")]
    [InlineData("", "secrets", "Name Type Data Age")]
    [InlineData("", "namespaces", "Name Status Age")]
    [InlineData("", "events", "Last_Seen Type Reason Object Subobject* Source* Message First_Seen* Count* Name*")]
    [InlineData("", "endpoints", "Name Endpoints Age")]
    [InlineData("", "serviceaccounts", "Name Secrets Age")]
    [InlineData("", "persistentvolumes", "Name Capacity Access_Modes Reclaim_Policy Status Claim StorageClass VolumeAttributesClass Reason Age VolumeMode*")]
    [InlineData("", "persistentvolumeclaims", "Name Status Volume Capacity Access_Modes StorageClass VolumeAttributesClass Age VolumeMode*")]
    [InlineData("coordination.k8s.io", "leases", "Name Holder Age")]
    [InlineData("discovery.k8s.io", "endpointslices", "Name AddressType Ports Endpoints Age")]
    [InlineData("storage.k8s.io", "volumeattachments", "Name Attacher PV Node Attached Age")]
    [InlineData("storage.k8s.io", "csinodes", "Name Drivers Age")]
    [InlineData("node.k8s.io", "runtimeclasses", "Name Handler Age")]
    [InlineData("example.com", "widgets", "Name Age")]
    [InlineData("apps", "deployments", "Name Age")]
    public void Each_kind_has_the_apiserver_columns_in_order(string group, string resource, string expected)
    {
        var shown = TableConverter.Columns(group, resource)
            .Select(c => c.Name.Replace(' ', '_') + (c.Priority == 1 ? "*" : ""));

        Assert.Equal(expected, string.Join(' ', shown));
    }

    [Theory]
    [InlineData("", "secrets", "Data", "string")]
    [InlineData("storage.k8s.io", "volumeattachments", "Attached", "boolean")]
    [InlineData("storage.k8s.io", "csinodes", "Drivers", "integer")]
    [InlineData("example.com", "widgets", "Age", "date")]
    [InlineData("", "events", "Count", "string")]
    public void Column_types_match_the_apiserver(string group, string resource, string column, string type) =>
        Assert.Equal(type, TableConverter.Columns(group, resource).Single(c => c.Name == column).Type);

    [Theory]
    [InlineData("", "events", "Name")]
    [InlineData("storage.k8s.io", "volumeattachments", "Name")]
    [InlineData("storage.k8s.io", "volumeattachments", "Attacher")]
    [InlineData("", "pods", "Name")]
    public void Name_format_marks_the_columns_the_apiserver_marks(string group, string resource, string column) =>
        Assert.Equal("name", TableConverter.Columns(group, resource).Single(c => c.Name == column).Format);

    [Theory]
    [InlineData("", "pods")]
    [InlineData("", "services")]
    [InlineData("", "nodes")]
    [InlineData("", "configmaps")]
    [InlineData("", "secrets")]
    [InlineData("", "namespaces")]
    [InlineData("", "events")]
    [InlineData("", "endpoints")]
    [InlineData("", "serviceaccounts")]
    [InlineData("", "persistentvolumes")]
    [InlineData("", "persistentvolumeclaims")]
    [InlineData("coordination.k8s.io", "leases")]
    [InlineData("discovery.k8s.io", "endpointslices")]
    [InlineData("storage.k8s.io", "volumeattachments")]
    [InlineData("storage.k8s.io", "csinodes")]
    [InlineData("node.k8s.io", "runtimeclasses")]
    [InlineData("example.com", "widgets")]
    public void Every_row_has_one_cell_per_column_even_for_an_empty_object(string group, string resource)
    {
        Assert.Equal(TableConverter.Columns(group, resource).Count, TableConverter.Cells(group, resource, Parse("{}"), Now).Count);
        Assert.Equal(TableConverter.Columns(group, resource).Count,
            TableConverter.Cells(group, resource, Parse("""{ "metadata": null, "spec": 3, "status": [] }"""), Now).Count);
    }

    [Theory]
    [InlineData("", "pods", true)]
    [InlineData("node.k8s.io", "runtimeclasses", true)]
    [InlineData("", "widgets", false)]
    [InlineData("apps", "deployments", false)]
    public void Only_known_kinds_have_their_own_printer(string group, string resource, bool expected) =>
        Assert.Equal(expected, TableConverter.HasPrinter(group, resource));
}
