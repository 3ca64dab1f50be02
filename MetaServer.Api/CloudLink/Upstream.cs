using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.CloudLink;

/// <summary>
/// The upstream Kubernetes API server, through the KubernetesClient package: its configuration loading
/// (kubeconfig, CA, client certificate, token) and its authenticated HttpClient. Objects travel as raw JSON, never
/// through the typed models, so a field the models do not know is never lost on the way into the cache.
/// </summary>
internal sealed class Upstream : IDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly TimeSpan _timeout;

    public Upstream(IOptions<CloudLinkOptions> options)
    {
        var o = options.Value;
        var config = !string.IsNullOrWhiteSpace(o.Kubeconfig)
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(o.Kubeconfig, o.Context)
            : new KubernetesClientConfiguration
            {
                Host = o.Server ?? "http://127.0.0.1:1",
                AccessToken = string.IsNullOrWhiteSpace(o.Token) ? null : o.Token,
                ClientCertificateFilePath = o.ClientCertificate,
                ClientKeyFilePath = o.ClientKey,
                SslCaCerts = string.IsNullOrWhiteSpace(o.CertificateAuthority) ? null : LoadCa(o.CertificateAuthority),
            };
        // Watches stay open for minutes; every other request gets its own deadline.
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        _client = new k8s.Kubernetes(config);
        _timeout = TimeSpan.FromSeconds(o.RequestTimeoutSeconds);
        Address = _client.BaseUri;
    }

    public Uri Address { get; }

    /// <summary>A request with a JSON body (or none); the status code and the parsed answer (an object or a Status).</summary>
    public async Task<(HttpStatusCode Code, JsonObject? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null,
        string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(method, new Uri(Address, path.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await _client.HttpClient.SendAsync(request, deadline.Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token);
        JsonObject? parsed = null;
        if (bytes.Length > 0)
        {
            try
            {
                parsed = JsonNode.Parse(bytes) as JsonObject;
            }
            catch (JsonException)
            {
            }
        }

        return (response.StatusCode, parsed);
    }

    /// <summary>
    /// The events of a watch from <paramref name="resourceVersion"/>, until the server ends it or the token is
    /// cancelled; an ERROR event is returned like the others (410 means: relist).
    /// </summary>
    public async IAsyncEnumerable<(string Type, JsonObject Object)> WatchAsync(string path, string resourceVersion,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var url = $"{path}{separator}watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, url.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"watch {path} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var node = JsonNode.Parse(line) as JsonObject;
            if (node?["type"]?.GetValue<string>() is { } type && node["object"] is JsonObject obj)
            {
                yield return (type, obj);
            }
        }
    }

    /// <summary>The Status in an error answer, as this server answers it to its own client.</summary>
    public static KubeStatus StatusOf(HttpStatusCode code, JsonObject? body)
    {
        var message = body?["message"]?.GetValue<string>() ?? $"the cloud answered {(int)code}";
        var reason = body?["reason"]?.GetValue<string>() ?? code.ToString();
        var details = body?["details"] as JsonObject;
        return new KubeStatus((int)code, reason, message)
        {
            DetailsName = details?["name"]?.GetValue<string>(),
            DetailsGroup = details?["group"]?.GetValue<string>(),
            DetailsKind = details?["kind"]?.GetValue<string>(),
        };
    }

    /// <summary>The API path of a collection (all namespaces when <paramref name="namespace"/> is null) or of one object.</summary>
    public static string PathOf(ResourceType type, string? @namespace, string? name = null, string subresource = "")
    {
        var root = type.Group.Length == 0 ? "/api/v1" : $"/apis/{type.Group}/{type.Version}";
        var scope = type.Namespaced && !string.IsNullOrEmpty(@namespace) ? $"/namespaces/{@namespace}" : "";
        var path = $"{root}{scope}/{type.Resource}";
        if (name is not null)
        {
            path += "/" + name;
        }

        return subresource.Length > 0 ? path + "/" + subresource : path;
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    public void Dispose() => _client.Dispose();
}
