using System.Net;
using System.Text;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>Bad input gets the Status a Kubernetes client expects, and leaves nothing half-written.</summary>
public sealed class ErrorTests : ServerTest
{
    private async Task<string> ListRevisionAsync() => (await Client.GetJsonAsync("/api/v1/pods")).Body.Meta("resourceVersion");

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"metadata\":\"nope\"}")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}")]
    [InlineData("{\"apiVersion\":\"apps/v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"5\"}}")]
    public async Task Malformed_or_mismatched_bodies_return_400_and_store_nothing(string body)
    {
        var before = await ListRevisionAsync();

        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/pods", body);

        CrudTests.AssertStatus(status, code, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal(before, await ListRevisionAsync());
    }

    [Fact]
    public async Task An_update_whose_name_differs_from_the_path_returns_400()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a"}}""");

        var (code, status) = await Client.PutJsonAsync("/api/v1/namespaces/default/configmaps/a", """{"metadata":{"name":"b"}}""");

        CrudTests.AssertStatus(status, code, HttpStatusCode.BadRequest, "BadRequest");
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("-leading-dash")]
    public async Task An_invalid_name_returns_422_Invalid(string name)
    {
        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"}}""");

        CrudTests.AssertStatus(status, code, HttpStatusCode.UnprocessableEntity, "Invalid");
        Assert.Equal("metadata.name", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_name_returns_422_Invalid()
    {
        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"data":{}}""");

        CrudTests.AssertStatus(status, code, HttpStatusCode.UnprocessableEntity, "Invalid");
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/widgets")]
    [InlineData("/apis/apps/v1/namespaces/default/deployments")]
    [InlineData("/api/v2/pods")]
    [InlineData("/api/v1/namespaces/default/pods/x/exec")]
    [InlineData("/no/such/path")]
    public async Task Unknown_resources_and_paths_return_404(string path)
    {
        var (code, status) = await Client.GetJsonAsync(path);

        CrudTests.AssertStatus(status, code, HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task An_unknown_object_returns_404_naming_it()
    {
        var (code, status) = await Client.GetJsonAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/missing");

        CrudTests.AssertStatus(status, code, HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("leases.coordination.k8s.io \"missing\" not found", status["message"]!.GetValue<string>());
        Assert.Equal("coordination.k8s.io", status["details"]!["group"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("OPTIONS", "/api/v1/namespaces/default/pods")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/named")]
    [InlineData("DELETE", "/api/v1/namespaces/default/pods/x/status")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/x/status")]
    public async Task Wrong_methods_return_405(string method, string path)
    {
        var (code, status) = await Client.SendAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null);

        CrudTests.AssertStatus(status, code, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
    }

    [Theory]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", "text/plain")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", "application/xml")]
    [InlineData("PUT", "/api/v1/namespaces/default/configmaps/a", "application/x-www-form-urlencoded")]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/a", "application/json")]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/a", "text/plain")]
    public async Task Unsupported_content_types_return_415(string method, string path, string mediaType)
    {
        var before = await ListRevisionAsync();

        var (code, status) = await Client.SendAsync(new HttpMethod(method), path, """{"metadata":{"name":"a"}}""", mediaType);

        CrudTests.AssertStatus(status, code, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        Assert.Equal(before, await ListRevisionAsync());
    }

    [Fact]
    public async Task An_oversized_body_returns_413_and_stores_nothing()
    {
        var before = await ListRevisionAsync();
        var big = new StringBuilder("""{"metadata":{"name":"huge"},"data":{"blob":" """);
        big.Append('x', 3 * 1024 * 1024 + 10).Append("\"}}");

        var (code, status) = await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", big.ToString());

        CrudTests.AssertStatus(status, code, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge");
        Assert.Equal(before, await ListRevisionAsync());
        var (getCode, _) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/huge");
        Assert.Equal(HttpStatusCode.NotFound, getCode);
    }

    [Fact]
    public async Task A_malformed_patch_returns_400()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"mp"}}""");

        var (code, status) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/mp", "{oops", "application/merge-patch+json");

        CrudTests.AssertStatus(status, code, HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task A_patch_of_a_missing_object_returns_404()
    {
        var (code, status) = await Client.PatchJsonAsync("/api/v1/namespaces/default/configmaps/none", "{}", "application/merge-patch+json");

        CrudTests.AssertStatus(status, code, HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task An_accept_header_without_json_returns_406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/pods");
        request.Headers.Accept.ParseAdd("application/xml");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("\"reason\":\"NotAcceptable\"", await response.Content.ReadAsStringAsync());
    }
}
