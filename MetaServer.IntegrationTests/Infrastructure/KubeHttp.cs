using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>Small HTTP conveniences for talking to the Kubernetes surface the way a client would.</summary>
public static class KubeHttp
{
    public static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    public static async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(this HttpClient client, HttpMethod method, string path,
        string? body = null, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Json(body, mediaType);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var parsed = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        return (response.StatusCode, parsed);
    }

    public static Task<(HttpStatusCode Code, JsonObject Body)> GetJsonAsync(this HttpClient client, string path) =>
        client.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Code, JsonObject Body)> PostJsonAsync(this HttpClient client, string path, string body) =>
        client.SendAsync(HttpMethod.Post, path, body);

    public static Task<(HttpStatusCode Code, JsonObject Body)> PutJsonAsync(this HttpClient client, string path, string body) =>
        client.SendAsync(HttpMethod.Put, path, body);

    public static Task<(HttpStatusCode Code, JsonObject Body)> PatchJsonAsync(this HttpClient client, string path, string body, string mediaType) =>
        client.SendAsync(HttpMethod.Patch, path, body, mediaType);

    public static Task<(HttpStatusCode Code, JsonObject Body)> DeleteJsonAsync(this HttpClient client, string path, string? body = null) =>
        client.SendAsync(HttpMethod.Delete, path, body);

    /// <summary>A pod manifest as an edge node sees them.</summary>
    public static string Pod(string name, string ns = "default", string node = "edge-1", string labels = "{\"app\":\"web\"}") => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},
         "spec":{"nodeName":"{{{node}}}","containers":[{"name":"main","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}
        """;

    public static string Meta(this JsonObject obj, string field) => obj["metadata"]?[field]?.GetValue<string>() ?? "";
}
