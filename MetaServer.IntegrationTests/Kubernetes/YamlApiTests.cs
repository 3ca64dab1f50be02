using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>YAML in and out of the API, as the apiserver speaks it.</summary>
public sealed class YamlApiTests : ServerTest
{
    private async Task<HttpResponseMessage> SendYamlAsync(HttpMethod method, string path, string yaml, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") };
        request.Headers.Accept.ParseAdd(accept);
        return await Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetYamlAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/yaml");
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task A_YAML_body_creates_the_object_it_describes()
    {
        using var created = await SendYamlAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              labels: {app: edge}
            data:
              mode: "0644"
              script: |
                echo hello
                exit 0

            """);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (_, stored) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps/from-yaml");
        Assert.Equal("0644", stored["data"]!["mode"]!.GetValue<string>());
        Assert.Equal("echo hello\nexit 0\n", stored["data"]!["script"]!.GetValue<string>());
        Assert.Equal("edge", stored["metadata"]!["labels"]!["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accept_yaml_answers_objects_lists_and_errors_in_YAML()
    {
        await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"y1"},"data":{"on":"yes","n":"12"}}""");

        using var one = await GetYamlAsync("/api/v1/namespaces/default/configmaps/y1");
        var text = await one.Content.ReadAsStringAsync();
        Assert.Equal("application/yaml", one.Content.Headers.ContentType!.MediaType);
        Assert.Contains("kind: ConfigMap\n", text);
        Assert.Contains("  \"on\": \"yes\"\n", text);
        Assert.Contains("  \"n\": \"12\"\n", text);
        Assert.Contains("  name: y1\n", text);

        using var list = await GetYamlAsync("/api/v1/namespaces/default/configmaps");
        Assert.Contains("kind: ConfigMapList\n", await list.Content.ReadAsStringAsync());

        using var missing = await GetYamlAsync("/api/v1/namespaces/default/configmaps/none");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var status = await missing.Content.ReadAsStringAsync();
        Assert.Contains("kind: Status\n", status);
        Assert.Contains("reason: NotFound\n", status);
    }

    [Fact]
    public async Task Malformed_YAML_is_400_and_stores_nothing()
    {
        using var response = await SendYamlAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "metadata:\n  name: [broken\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"reason\":\"BadRequest\"", await response.Content.ReadAsStringAsync());
        var (_, list) = await Client.GetJsonAsync("/api/v1/namespaces/default/configmaps");
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_watch_cannot_be_streamed_as_YAML()
    {
        using var response = await GetYamlAsync("/api/v1/namespaces/default/configmaps?watch=true");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }
}
