using System.Net;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>dryRun=All: every write is checked and answered as if it happened, and nothing is stored.</summary>
public sealed class DryRunTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"real"},"data":{"v":"1"}}""");
    }

    private async Task<string> RevisionAsync() => (await Client.GetJsonAsync("/api/v1/configmaps")).Body.Meta("resourceVersion");

    [Fact]
    public async Task A_dry_run_create_answers_the_object_it_would_create_and_stores_nothing()
    {
        var before = await RevisionAsync();

        var (code, created) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps?dryRun=All", """{"metadata":{"name":"imaginary"}}""");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.True(Guid.TryParse(created.Meta("uid"), out _));
        Assert.Equal("", created.Meta("resourceVersion"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/imaginary")).Code);
        Assert.Equal(before, await RevisionAsync());
    }

    [Fact]
    public async Task Dry_run_updates_patches_and_deletes_change_nothing_but_still_refuse_what_they_would_refuse()
    {
        var before = await RevisionAsync();
        var (_, real) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/real");
        real["data"]!["v"] = "2";

        var (updateCode, updated) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/real?dryRun=All", real.ToJsonString());
        var (patchCode, patched) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/real?dryRun=All", """{"data":{"v":"3"}}""", "application/merge-patch+json");
        var (deleteCode, deleted) = await Client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/real?dryRun=All");
        var (conflictCode, _) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps?dryRun=All", """{"metadata":{"name":"real"}}""");

        Assert.Equal((HttpStatusCode.OK, "2"), (updateCode, updated["data"]!["v"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, "3"), (patchCode, patched["data"]!["v"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, "Success"), (deleteCode, deleted["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, conflictCode);
        var (_, stored) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/real");
        Assert.Equal("1", stored["data"]!["v"]!.GetValue<string>());
        Assert.Equal(before, await RevisionAsync());
    }

    [Fact]
    public async Task An_unknown_dryRun_value_is_400()
    {
        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps?dryRun=Some", """{"metadata":{"name":"x"}}""");

        CrudTests.AssertStatus(status, code, HttpStatusCode.BadRequest, "BadRequest");
    }
}
