using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Discovery;

/// <summary>/openapi/v3 and /openapi/v2: generated schemas, custom resources, hashes and caching.</summary>
public sealed class OpenApiTests() : ServerTest(new() { ["OpenApi:ModelDocs"] = ModelDocsPath })
{
    private const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"sensors.devices.example.com"},
         "spec":{"group":"devices.example.com","scope":"Namespaced",
                 "names":{"plural":"sensors","singular":"sensor","kind":"Sensor"},
                 "versions":[{"name":"v1","served":true,"storage":true,
                              "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
                                "properties":{"unit":{"type":"string","description":"Unit of the reading."}}}}}}}]}}
        """;

    /// <summary>
    /// KubernetesClient's XML doc file as restored in the NuGet cache: the build does not copy it next to the
    /// assembly, so the server is pointed at it to show descriptions are served where the file is present.
    /// </summary>
    public static string ModelDocsPath
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var version = typeof(k8s.Models.V1Pod).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
                .InformationalVersion.Split('+')[0];
            return Path.Combine(root, "kubernetesclient", version, "lib", "net10.0", "KubernetesClient.xml");
        }
    }

    [Fact]
    public async Task The_v3_list_names_every_served_group_version_and_follows_definitions()
    {
        Assert.True(File.Exists(ModelDocsPath), ModelDocsPath);
        var before = await PathsAsync();
        Assert.Contains("api/v1", before);
        Assert.Contains("apis/coordination.k8s.io/v1", before);
        Assert.Contains("apis/apiextensions.k8s.io/v1", before);
        Assert.DoesNotContain("apis/devices.example.com/v1", before);
        Assert.StartsWith("/openapi/v3/api/v1?hash=", before["api/v1"]);

        Assert.Equal(HttpStatusCode.Created, (await Client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd)).Code);
        var created = await PathsAsync();
        Assert.Contains("apis/devices.example.com/v1", created);
        Assert.Equal(before["api/v1"], created["api/v1"]); // the built-in documents did not change

        Assert.Equal(HttpStatusCode.OK, (await Client.DeleteJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sensors.devices.example.com")).Code);
        var deleted = await PathsAsync();
        Assert.DoesNotContain("apis/devices.example.com/v1", deleted);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(created["apis/devices.example.com/v1"])).StatusCode);
    }

    [Fact]
    public async Task The_core_document_has_the_pod_schema_with_its_kind_references_and_patch_metadata()
    {
        var document = await DocumentAsync("api/v1");
        Assert.Equal("3.0.0", document["openapi"]!.GetValue<string>());
        var schemas = document["components"]!["schemas"]!.AsObject();

        var pod = schemas["io.k8s.api.core.v1.Pod"]!;
        var gvk = Assert.Single(pod["x-kubernetes-group-version-kind"]!.AsArray())!;
        Assert.Equal(("", "v1", "Pod"), (gvk["group"]!.GetValue<string>(), gvk["version"]!.GetValue<string>(), gvk["kind"]!.GetValue<string>()));
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.PodSpec", pod["properties"]!["spec"]!["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", pod["properties"]!["metadata"]!["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.Contains("PodSpec is a description of a pod", schemas["io.k8s.api.core.v1.PodSpec"]!["description"]!.GetValue<string>());

        var containers = schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!;
        Assert.Equal("array", containers["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.Container", containers["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(("name", "merge"), (containers["x-kubernetes-patch-merge-key"]!.GetValue<string>(), containers["x-kubernetes-patch-strategy"]!.GetValue<string>()));
        var volumes = schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["volumes"]!;
        Assert.Equal("merge,retainKeys", volumes["x-kubernetes-patch-strategy"]!.GetValue<string>());
        var env = schemas["io.k8s.api.core.v1.Container"]!["properties"]!["env"]!;
        Assert.Equal("name", env["x-kubernetes-patch-merge-key"]!.GetValue<string>());
        var ownerReferences = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!["ownerReferences"]!;
        Assert.Equal("uid", ownerReferences["x-kubernetes-patch-merge-key"]!.GetValue<string>());
        Assert.Null(schemas["io.k8s.api.core.v1.Container"]!["properties"]!["args"]!["x-kubernetes-patch-strategy"]);

        // Scalars are named like the apiserver's: Quantity, IntOrString and Time as formatted strings.
        Assert.Equal("int-or-string", schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["format"]!.GetValue<string>());
        Assert.Equal("date-time", schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!["format"]!.GetValue<string>());
        Assert.Equal("string", schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]!["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity",
            schemas["io.k8s.api.core.v1.ResourceRequirements"]!["properties"]!["limits"]!["additionalProperties"]!["$ref"]!.GetValue<string>());

        // Every reference resolves inside the document.
        foreach (var reference in References(document))
        {
            Assert.True(schemas.ContainsKey(reference["#/components/schemas/".Length..]), reference);
        }

        // The patch operation tells kubectl which patch types the kind takes.
        var podPatch = document["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["patch"]!;
        Assert.Equal("Pod", podPatch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.NotNull(podPatch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
    }

    [Fact]
    public async Task A_custom_resource_document_carries_the_definitions_schema()
    {
        await Client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);

        var document = await DocumentAsync("apis/devices.example.com/v1");
        var schemas = document["components"]!["schemas"]!.AsObject();
        var sensor = schemas["com.example.devices.v1.Sensor"]!;
        Assert.Equal("Sensor", sensor["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("Unit of the reading.", sensor["properties"]!["spec"]!["properties"]!["unit"]!["description"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", sensor["properties"]!["metadata"]!["$ref"]!.GetValue<string>());
        Assert.True(schemas.ContainsKey("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        var patch = document["paths"]!["/apis/devices.example.com/v1/namespaces/{namespace}/sensors/{name}"]!["patch"]!;
        Assert.Null(patch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]); // 415 here, as upstream
        Assert.NotNull(patch["requestBody"]!["content"]!["application/merge-patch+json"]);
    }

    [Fact]
    public async Task A_matching_hash_is_immutable_a_stale_one_redirects_and_an_etag_revalidates()
    {
        var url = (await PathsAsync())["api/v1"];
        var hash = url[(url.IndexOf("hash=", StringComparison.Ordinal) + 5)..];

        var hashed = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, hashed.StatusCode);
        Assert.Equal("public, immutable", hashed.Headers.CacheControl!.ToString());
        Assert.Equal("\"" + hash + "\"", hashed.Headers.ETag!.Tag);
        Assert.NotNull(hashed.Content.Headers.Expires);

        var plain = await Client.GetAsync("/openapi/v3/api/v1");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Null(plain.Headers.CacheControl);
        Assert.Equal(await hashed.Content.ReadAsByteArrayAsync(), await plain.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/openapi/v3/api/v1?hash=0123ABCD");
        var redirected = await Server.CreateClient(new() { AllowAutoRedirect = false }).SendAsync(stale);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirected.StatusCode);
        Assert.Equal(url, redirected.Headers.Location!.OriginalString);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/openapi/v3/api/v1");
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"" + hash + "\""));
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(revalidate)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_group_version_is_a_404_status_and_protobuf_v3_is_not_acceptable()
    {
        var (code, status) = await Client.GetJsonAsync("/openapi/v3/apis/apps/v1");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal(("Status", 404), (status["kind"]!.GetValue<string>(), status["code"]!.GetValue<int>()));

        using var protobuf = new HttpRequestMessage(HttpMethod.Get, "/openapi/v3/api/v1");
        protobuf.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.SendAsync(protobuf)).StatusCode);
    }

    [Fact]
    public async Task The_v2_document_has_the_same_definitions_in_json_and_is_empty_as_protobuf()
    {
        await Client.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        var (code, document) = await Client.GetJsonAsync("/openapi/v2");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("2.0", document["swagger"]!.GetValue<string>());
        var definitions = document["definitions"]!.AsObject();
        var pod = definitions["io.k8s.api.core.v1.Pod"]!;
        Assert.Equal("Pod", pod["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("#/definitions/io.k8s.api.core.v1.PodSpec", pod["properties"]!["spec"]!["$ref"]!.GetValue<string>());
        Assert.Equal("name", definitions["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!["x-kubernetes-patch-merge-key"]!.GetValue<string>());
        Assert.True(definitions.ContainsKey("io.k8s.api.coordination.v1.Lease"));
        Assert.True(definitions.ContainsKey("com.example.devices.v1.Sensor"));
        foreach (var reference in References(document))
        {
            Assert.True(definitions.ContainsKey(reference["#/definitions/".Length..]), reference);
        }

        using var protobuf = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        protobuf.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        var answer = await Client.SendAsync(protobuf);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", answer.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await answer.Content.ReadAsByteArrayAsync());
    }

    private async Task<Dictionary<string, string>> PathsAsync()
    {
        var (code, list) = await Client.GetJsonAsync("/openapi/v3");
        Assert.Equal(HttpStatusCode.OK, code);
        return list["paths"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!["serverRelativeURL"]!.GetValue<string>());
    }

    private async Task<JsonObject> DocumentAsync(string groupVersion)
    {
        var (code, document) = await Client.GetJsonAsync((await PathsAsync())[groupVersion]);
        Assert.Equal(HttpStatusCode.OK, code);
        return document;
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        // JSONSchemaProps has a field called "$ref": a schema under "properties", not a reference.
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" && p.Value is JsonValue value ? [value.GetValue<string>()] : References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
