using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Protobuf;
using MetaServer.IntegrationTests.Domain.Protobuf;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>Protobuf over HTTP: kubectl's typed commands, a client's protobuf bodies, lists, watches and errors.</summary>
public sealed class ProtobufTests : IAsyncLifetime
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private readonly EdgeMetaServer _server = new(kestrel: true);
    private readonly TempFolder _work = new();
    private Kubectl _kubectl = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _kubectl = new Kubectl(_server.Address, _work.Path);
        _http = new HttpClient { BaseAddress = _server.Address };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Kubectl_create_configmap_sends_protobuf_and_the_data_reads_back_as_json()
    {
        var create = await _kubectl.RunAsync("create", "configmap", "app", "--from-literal=a=b", "-v=6");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("configmap/app created", create.Stdout);

        var get = await _kubectl.RunAsync("get", "cm", "app", "-o", "json");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("b", JsonNode.Parse(get.Stdout)!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_created_with_a_protobuf_body_reads_back_with_every_field_and_kubectl_describes_it()
    {
        var pod = PodJson();
        using var body = new ByteArrayContent(KubeProtobuf.EncodeObject(WireSchema.Default.Find("core.v1.Pod")!, "v1", "Pod", Encoding.UTF8.GetBytes(pod.ToJsonString())));
        body.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods") { Content = body };
        request.Headers.Accept.ParseAdd(Protobuf + ",application/json");
        using var created = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Protobuf, created.Content.Headers.ContentType?.MediaType);
        var answer = JsonNode.Parse(KubeProtobuf.DecodeToJson(await created.Content.ReadAsByteArrayAsync(), WireSchema.Default, "", "", out var error)!)!;
        Assert.Null(error);
        Assert.Equal("proto-pod", answer["metadata"]!["name"]!.GetValue<string>());

        var get = await _kubectl.RunAsync("get", "pod", "proto-pod", "-o", "json");
        Assert.True(get.ExitCode == 0, get.ToString());
        var read = JsonNode.Parse(get.Stdout)!;
        ProtobufGoldenTests.AssertJsonEqual(pod["spec"]!, read["spec"]!);
        ProtobufGoldenTests.AssertJsonEqual(pod["metadata"]!["labels"]!, read["metadata"]!["labels"]!);
        ProtobufGoldenTests.AssertJsonEqual(pod["metadata"]!["annotations"]!, read["metadata"]!["annotations"]!);

        var describe = await _kubectl.RunAsync("describe", "pod", "proto-pod");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("proto-pod", describe.Stdout);
        Assert.Contains("nginx:1.27", describe.Stdout);
    }

    [Fact]
    public async Task A_list_in_protobuf_carries_every_item_and_the_list_metadata()
    {
        await CreateConfigMapsAsync("one", "two", "three");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?limit=2");
        request.Headers.Accept.ParseAdd(Protobuf + ", application/json");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.True(KubeProtobuf.TryReadEnvelope(bytes, out var apiVersion, out var kind, out _, out var error), error);
        Assert.Equal(("v1", "ConfigMapList"), (apiVersion, kind));
        var list = JsonNode.Parse(KubeProtobuf.DecodeToJson(bytes, WireSchema.Default, "", "", out error)!)!;
        Assert.Null(error);
        var names = list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["one", "three"], names);
        Assert.Equal("b", list["items"]![0]!["data"]!["a"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(list["metadata"]!["continue"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(list["metadata"]!["resourceVersion"]?.GetValue<string>()));
    }

    [Fact]
    public async Task A_large_list_in_protobuf_streams_items_that_decode_one_by_one_to_the_json_list_also_page_by_page()
    {
        // 3,000 configmaps of ~400 bytes: far more than the converted bytes a list keeps from its first pass.
        var filler = new string('x', 300);
        await Parallel.ForEachAsync(Enumerable.Range(0, 3000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var json = $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"big-{{{i:D4}}}","labels":{"n":"{{{i % 7}}}"}},"data":{"i":"{{{i}}}","f":"{{{filler}}}"},"binaryData":{"b":"AAEC"}}""";
            using var response = await _http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });

        var (jsonItems, jsonVersion) = await JsonListAsync("/api/v1/namespaces/default/configmaps");
        var (items, metadata) = await ProtobufListAsync("/api/v1/namespaces/default/configmaps");
        Assert.Equal(3000, items.Count);
        Assert.Equal(jsonVersion, metadata["resourceVersion"]!.GetValue<string>());
        AssertSameItems(jsonItems, items);

        // A label selector goes through both passes alike.
        var (selected, _) = await ProtobufListAsync("/api/v1/namespaces/default/configmaps?labelSelector=n%3D3");
        AssertSameItems(jsonItems.Where(i => i["metadata"]!["labels"]!["n"]!.GetValue<string>() == "3").ToList(), selected);

        // The same list in pages of 700: five protobuf pages chained by their continue tokens.
        var paged = new List<JsonNode>();
        string? next = null;
        var pages = 0;
        do
        {
            var (page, pageMetadata) = await ProtobufListAsync("/api/v1/namespaces/default/configmaps?limit=700" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next)));
            Assert.True(page.Count is > 0 and <= 700);
            Assert.Equal(jsonVersion, pageMetadata["resourceVersion"]!.GetValue<string>());
            paged.AddRange(page);
            next = pageMetadata["continue"]?.GetValue<string>();
            if (pages++ == 0)
            {
                // A write after the first page: the later pages still read the first page's snapshot.
                using var patch = new StringContent("""{"data":{"i":"changed"}}""", Encoding.UTF8, "application/merge-patch+json");
                using var patched = await _http.PatchAsync("/api/v1/namespaces/default/configmaps/big-2999", patch);
                Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            }
        }
        while (!string.IsNullOrEmpty(next));

        Assert.Equal(5, pages);
        AssertSameItems(jsonItems, paged);
    }

    [Fact]
    public async Task A_watch_in_protobuf_is_length_prefixed_watch_events_each_carrying_an_enveloped_object()
    {
        await CreateConfigMapsAsync("w1", "w2");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1");
        request.Headers.Accept.ParseAdd(Protobuf + ", application/json");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.kubernetes.protobuf;stream=watch", response.Content.Headers.ContentType?.ToString().Replace(" ", ""));
        var stream = await response.Content.ReadAsByteArrayAsync(); // the watch ends after timeoutSeconds

        var events = new List<(string Type, JsonNode Object)>();
        for (var at = 0; at < stream.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(at, 4));
            events.Add(ReadWatchEvent(stream.AsSpan(at + 4, length)));
            at += 4 + length;
        }

        Assert.Equal(["ADDED", "ADDED"], events.Select(e => e.Type));
        Assert.Equal(["w1", "w2"], events.Select(e => e.Object["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("ConfigMap", events[0].Object["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Live_changes_reach_protobuf_watchers_as_the_same_objects_a_json_watcher_gets()
    {
        await CreateConfigMapsAsync("before");
        var start = JsonNode.Parse(await _http.GetStringAsync("/api/v1/namespaces/default/configmaps"))!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var path = $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}&timeoutSeconds=2";
        var watches = new[] { Protobuf, Protobuf, "application/json" }.Select(async accept =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd(accept);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync(); // the watch ends after timeoutSeconds
        }).ToArray();

        await Task.Delay(300); // let the watches open (they start at `start`, so nothing is missed either way)
        await CreateConfigMapsAsync("live-1", "live-2");
        using var patch = new StringContent("""{"data":{"a":"c"}}""", Encoding.UTF8, "application/merge-patch+json");
        (await _http.PatchAsync("/api/v1/namespaces/default/configmaps/live-1", patch)).Dispose();
        (await _http.DeleteAsync("/api/v1/namespaces/default/configmaps/live-2")).Dispose();
        var streams = await Task.WhenAll(watches);

        var json = Encoding.UTF8.GetString(streams[2]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(["ADDED", "ADDED", "MODIFIED", "DELETED"], json.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(streams[0], streams[1]);
        var frames = new List<(string Type, JsonNode Object)>();
        for (var at = 0; at < streams[0].Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(streams[0].AsSpan(at, 4));
            frames.Add(ReadWatchEvent(streams[0].AsSpan(at + 4, length)));
            at += 4 + length;
        }

        Assert.Equal(json.Select(e => e["type"]!.GetValue<string>()), frames.Select(f => f.Type));
        for (var i = 0; i < json.Length; i++)
        {
            ProtobufGoldenTests.AssertJsonEqual(json[i]["object"]!, frames[i].Object);
        }
    }

    [Fact]
    public async Task Errors_are_a_protobuf_Status_when_protobuf_is_preferred()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/secrets/missing");
        request.Headers.Accept.ParseAdd(Protobuf + ", application/json");
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var status = JsonNode.Parse(KubeProtobuf.DecodeToJson(await response.Content.ReadAsByteArrayAsync(), WireSchema.Default, "", "", out var error)!)!;
        Assert.Null(error);
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
        Assert.Equal(404, status["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("application/json;q=0.5, application/vnd.kubernetes.protobuf", Protobuf)]
    [InlineData("application/vnd.kubernetes.protobuf;q=0.5, application/json", "application/json")]
    [InlineData("application/vnd.kubernetes.protobuf;q=0, application/json", "application/json")]
    public async Task The_accept_list_is_weighed_by_q_values(string accept, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Kinds_without_a_protobuf_form_answer_json_or_406_and_refuse_protobuf_bodies_with_415()
    {
        const string path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        using var fallback = new HttpRequestMessage(HttpMethod.Get, path);
        fallback.Headers.Accept.ParseAdd(Protobuf + ", application/json");
        using var json = await _http.SendAsync(fallback);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);

        using var only = new HttpRequestMessage(HttpMethod.Get, path);
        only.Headers.Accept.ParseAdd(Protobuf);
        using var notAcceptable = await _http.SendAsync(only);
        Assert.Equal(HttpStatusCode.NotAcceptable, notAcceptable.StatusCode);
        Assert.Equal("NotAcceptable", JsonNode.Parse(await notAcceptable.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>());

        using var body = new ByteArrayContent("k8s\0"u8.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        using var unsupported = await _http.PostAsync(path, body);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal("UnsupportedMediaType", JsonNode.Parse(await unsupported.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_delete_with_protobuf_DeleteOptions_checks_their_preconditions()
    {
        await CreateConfigMapsAsync("guarded");
        var options = """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"not-the-uid"}}""";
        using var body = new ByteArrayContent(KubeProtobuf.EncodeObject(WireSchema.Default.Find("meta.v1.DeleteOptions")!, "v1", "DeleteOptions", Encoding.UTF8.GetBytes(options)));
        body.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/guarded") { Content = body };
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("not-the-uid", await response.Content.ReadAsStringAsync());
    }

    private async Task CreateConfigMapsAsync(params string[] names)
    {
        foreach (var name in names)
        {
            var json = $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"{{{name}}}"},"data":{"a":"b"}}""";
            using var body = new ByteArrayContent(KubeProtobuf.EncodeObject(WireSchema.Default.Find("core.v1.ConfigMap")!, "v1", "ConfigMap", Encoding.UTF8.GetBytes(json)));
            body.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
            using var response = await _http.PostAsync("/api/v1/namespaces/default/configmaps", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    private async Task<(List<JsonNode> Items, string ResourceVersion)> JsonListAsync(string path)
    {
        var list = JsonNode.Parse(await _http.GetStringAsync(path))!;
        return (list["items"]!.AsArray().Select(i => i!.DeepClone()).ToList(), list["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    // The list's raw message read field by field: ListMeta (1), then each item (2) decoded on its own.
    private async Task<(List<JsonNode> Items, JsonNode Metadata)> ProtobufListAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(Protobuf + ", application/json");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(KubeProtobuf.TryReadEnvelope(body, out _, out var kind, out var raw, out var error), error);
        Assert.Equal("ConfigMapList", kind);

        var list = body.AsSpan(raw);
        var items = new List<JsonNode>();
        JsonNode? metadata = null;
        var reader = new ProtoReader(list);
        while (!reader.End)
        {
            reader.Next(out var number, out _, out _, out var start, out var length);
            var message = WireSchema.Default.Find(number == 1 ? "meta.v1.ListMeta" : "core.v1.ConfigMap")!;
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(output))
            {
                ProtobufToJson.WriteObject(writer, message, list.Slice(start, length));
            }

            if (number == 1)
            {
                metadata = JsonNode.Parse(output.WrittenSpan);
            }
            else
            {
                items.Add(JsonNode.Parse(output.WrittenSpan)!);
            }
        }

        return (items, metadata!);
    }

    // Items of a protobuf list carry no kind and apiVersion (as the apiserver writes them); all else is the same.
    private static void AssertSameItems(List<JsonNode> jsonItems, List<JsonNode> protobufItems)
    {
        Assert.Equal(jsonItems.Count, protobufItems.Count);
        for (var i = 0; i < jsonItems.Count; i++)
        {
            var expected = jsonItems[i].DeepClone().AsObject();
            expected.Remove("kind");
            expected.Remove("apiVersion");
            ProtobufGoldenTests.AssertJsonEqual(expected, protobufItems[i]);
        }
    }

    // meta.v1.WatchEvent: type (1) and object (2), a RawExtension whose raw (1) is the enveloped object.
    private static (string Type, JsonNode Object) ReadWatchEvent(ReadOnlySpan<byte> frame)
    {
        string type = "";
        ReadOnlySpan<byte> envelope = default;
        var reader = new ProtoReader(frame);
        while (!reader.End)
        {
            reader.Next(out var number, out _, out _, out var start, out var length);
            if (number == 1)
            {
                type = Encoding.UTF8.GetString(frame.Slice(start, length));
            }
            else if (number == 2)
            {
                var rawExtension = frame.Slice(start, length);
                var inner = new ProtoReader(rawExtension);
                inner.Next(out _, out _, out _, out var rawStart, out var rawLength);
                envelope = rawExtension.Slice(rawStart, rawLength);
            }
        }

        var json = KubeProtobuf.DecodeToJson(envelope, WireSchema.Default, "", "", out var error);
        Assert.Null(error);
        return (type, JsonNode.Parse(json!)!);
    }

    private static JsonNode PodJson() => JsonNode.Parse("""
        {"kind":"Pod","apiVersion":"v1",
         "metadata":{"name":"proto-pod","labels":{"app":"web"},"annotations":{"note":"ünïcode <&>"}},
         "spec":{
          "volumes":[{"name":"config","configMap":{"name":"web-config","defaultMode":420}},{"name":"scratch","emptyDir":{"sizeLimit":"64Mi"}}],
          "containers":[{"name":"main","image":"nginx:1.27","args":["-g","daemon off;"],
            "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
            "env":[{"name":"TOKEN","valueFrom":{"secretKeyRef":{"name":"web-secret","key":"token","optional":false}}}],
            "resources":{"limits":{"cpu":"500m"},"requests":{"memory":"128Mi"}},
            "readinessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},"periodSeconds":5},
            "livenessProbe":{"tcpSocket":{"port":8080}},
            "securityContext":{"runAsUser":0,"allowPrivilegeEscalation":false},
            "imagePullPolicy":"IfNotPresent"}],
          "restartPolicy":"Always","terminationGracePeriodSeconds":0,"dnsPolicy":"ClusterFirst","nodeName":"edge-1",
          "tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}
        """)!;
}
