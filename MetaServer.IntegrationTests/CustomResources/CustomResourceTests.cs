using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.CustomResources;

/// <summary>A CustomResourceDefinition makes its resources servable with every verb; deleting it removes them.</summary>
public sealed class CustomResourceTests : IAsyncLifetime
{
    private const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"sensors.devices.example.com"},
         "spec":{"group":"devices.example.com","scope":"Namespaced",
                 "names":{"plural":"sensors","singular":"sensor","kind":"Sensor","shortNames":["sn"]},
                 "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                              "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;

    private readonly TempFolder _folder = new();
    private EdgeMetaServer _server = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"));
        _client = _server.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_definition_serves_its_resource_with_every_verb_in_discovery_and_across_a_restart()
    {
        var (crdCode, crd) = await _client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        Assert.Equal(HttpStatusCode.Created, crdCode);
        Assert.Contains(crd["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True");

        var (_, resources) = await _client.GetJsonAsync("/apis/devices.example.com/v1");
        var sensor = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "sensors")!;
        Assert.Equal(("Sensor", true, "sn"), (sensor["kind"]!.GetValue<string>(), sensor["namespaced"]!.GetValue<bool>(), sensor["shortNames"]![0]!.GetValue<string>()));

        const string path = "/apis/devices.example.com/v1/namespaces/default/sensors";
        var (createCode, created) = await _client.PostJsonAsync(path, """{"apiVersion":"devices.example.com/v1","kind":"Sensor","metadata":{"name":"temp-1","labels":{"room":"a"}},"spec":{"unit":"C"}}""");
        Assert.Equal(HttpStatusCode.Created, createCode);
        Assert.Equal("C", created["spec"]!["unit"]!.GetValue<string>());
        var (patchCode, patched) = await _client.PatchJsonAsync(path + "/temp-1", """{"spec":{"unit":"F"}}""", "application/merge-patch+json");
        Assert.Equal((HttpStatusCode.OK, "F"), (patchCode, patched["spec"]!["unit"]!.GetValue<string>()));
        var (statusCode, withStatus) = await _client.PatchJsonAsync(path + "/temp-1/status", """{"status":{"reading":21}}""", "application/merge-patch+json");
        Assert.Equal((HttpStatusCode.OK, 21), (statusCode, withStatus["status"]!["reading"]!.GetValue<int>()));
        var (smpCode, smp) = await _client.PatchJsonAsync(path + "/temp-1", """{"spec":{"unit":"K"}}""", "application/strategic-merge-patch+json");
        CrudTestsStatus(smp, smpCode, HttpStatusCode.UnsupportedMediaType);
        var (_, list) = await _client.GetJsonAsync("/apis/devices.example.com/v1/sensors?labelSelector=room%3Da");
        Assert.Equal(("SensorList", 1), (list["kind"]!.GetValue<string>(), list["items"]!.AsArray().Count));

        await _server.DisposeAsync();
        _server = new EdgeMetaServer(databasePath: Path.Combine(_folder.Path, "edgemeta.db"));
        _client = _server.CreateClient();
        var (afterRestart, again) = await _client.GetJsonAsync(path + "/temp-1");
        Assert.Equal((HttpStatusCode.OK, "F"), (afterRestart, again["spec"]!["unit"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deleting_the_definition_removes_its_objects_and_its_paths()
    {
        await _client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        const string path = "/apis/devices.example.com/v1/namespaces/default/sensors";
        await _client.PostJsonAsync(path, """{"metadata":{"name":"s1"}}""");
        await using var watch = await WatchStream.OpenAsync(_client, path + "?watch=true");
        Assert.Equal("ADDED", (await watch.NextChangeAsync()).Type);

        var (deleteCode, _) = await _client.DeleteJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sensors.devices.example.com");

        Assert.Equal(HttpStatusCode.OK, deleteCode);
        Assert.Equal("DELETED", (await watch.NextChangeAsync()).Type);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync(path)).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync("/apis/devices.example.com/v1")).Code);

        // Defined again, the old objects do not come back.
        await _client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        var (_, empty) = await _client.GetJsonAsync(path);
        Assert.Empty(empty["items"]!.AsArray());
    }

    [Fact]
    public async Task Definitions_print_as_the_apiserver_prints_them_name_and_created_at()
    {
        var (_, crd) = await _client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");

        using var response = await _client.SendAsync(request);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(["Name", "Created At"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["sensors.devices.example.com", crd["metadata"]!["creationTimestamp"]!.GetValue<string>()],
            table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Theory]
    [InlineData("\"name\":\"sensors.devices.example.com\"", "\"name\":\"wrong.name\"", "metadata.name")]
    [InlineData("\"scope\":\"Namespaced\"", "\"scope\":\"Everywhere\"", "spec.scope")]
    [InlineData("\"storage\":true", "\"storage\":false", "spec.versions")]
    public async Task An_invalid_definition_is_422(string from, string to, string field)
    {
        var (code, status) = await _client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd.Replace(from, to));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains(status["details"]!["causes"]!.AsArray(), c => c!["field"]!.GetValue<string>() == field);
    }

    private static void CrudTestsStatus(JsonObject status, HttpStatusCode code, HttpStatusCode expected)
    {
        Assert.Equal(expected, code);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
    }
}
