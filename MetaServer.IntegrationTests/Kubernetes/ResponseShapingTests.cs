using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Kubernetes;

/// <summary>gzip when the client accepts it and the answer is large; ?pretty=true indents.</summary>
public sealed class ResponseShapingTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        var payload = new string('x', 2048);
        for (var i = 0; i < 100; i++)
        {
            await Client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"c{{{i:D3}}}"},"data":{"p":"{{{payload}}}"}}""");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task A_large_list_is_gzipped_for_aClient_that_accepts_gzip_and_decodes_to_the_same_list()
    {
        using var plain = await SendAsync("/api/v1/namespaces/default/configmaps", null);
        using var zipped = await SendAsync("/api/v1/namespaces/default/configmaps", "gzip, deflate");

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        var compressed = await zipped.Content.ReadAsByteArrayAsync();
        await using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var decoded = await new StreamReader(gunzip).ReadToEndAsync();
        var plainText = await plain.Content.ReadAsStringAsync();
        Assert.Equal(plainText, decoded);
        Assert.True(compressed.Length < plainText.Length / 5, $"{compressed.Length} of {plainText.Length}");
    }

    [Fact]
    public async Task A_small_answer_is_not_compressed_and_gzip_with_q0_is_refused_gzip()
    {
        using var small = await SendAsync("/api/v1/namespaces/default/configmaps/c001", "gzip");
        using var refused = await SendAsync("/api/v1/namespaces/default/configmaps", "gzip;q=0");

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Empty(small.Content.Headers.ContentEncoding);
        Assert.Equal("c001", JsonNode.Parse(await small.Content.ReadAsStringAsync())!["metadata"]!["name"]!.GetValue<string>());
        Assert.Empty(refused.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Pretty_indents_objects_lists_and_errors()
    {
        foreach (var path in new[] { "/api/v1/namespaces/default/configmaps/c002?pretty=true", "/api/v1/namespaces/default/configmaps?limit=2&pretty=true", "/api/v1/namespaces/default/configmaps/none?pretty=true" })
        {
            using var response = await SendAsync(path, null);
            var text = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("{\n  \"", text);
            Assert.NotNull(JsonNode.Parse(text));
        }
    }
}
