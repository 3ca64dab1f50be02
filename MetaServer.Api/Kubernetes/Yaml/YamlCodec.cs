using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// The apiserver's YAML media type: request bodies in YAML become the JSON the apiserver would have made of them
/// (sigs.k8s.io/yaml over go-yaml v2), and stored JSON is answered as the YAML it would have written.
/// </summary>
internal static class YamlCodec
{
    /// <summary>
    /// Parses one YAML document into JSON. Returns null with <paramref name="error"/> set when the body is not
    /// valid YAML or holds no JSON value (a second document, a key JSON cannot have, .inf, an unknown alias); the
    /// caller answers 400 BadRequest with the message. An empty body is JSON null with no error.
    /// Duplicate keys are accepted and the last one wins, as the apiserver does unless fields are validated strictly.
    /// </summary>
    public static JsonNode? ToJson(ReadOnlySpan<byte> yamlUtf8, out string? error) => ToJson(yamlUtf8, out _, out error);

    /// <summary>
    /// As <see cref="ToJson(ReadOnlySpan{byte}, out string?)"/>, also listing duplicate keys in go-yaml's words
    /// ("line 5: key \"name\" already set in map"): with fieldValidation=Strict the apiserver refuses the body
    /// with them ("strict decoding error: yaml: unmarshal errors:\n  line 5: ..."), with Warn it warns.
    /// </summary>
    public static JsonNode? ToJson(ReadOnlySpan<byte> yamlUtf8, out IReadOnlyList<string> duplicateKeys, out string? error)
    {
        duplicateKeys = [];
        if (!YamlDocumentReader.TryRead(yamlUtf8, out var document, out error))
        {
            return null;
        }

        return YamlToJson.TryConvert(document, out var json, out duplicateKeys, out error) ? json : null;
    }

    /// <summary>Writes JSON (one value, as stored) as the apiserver's YAML, ending with a line break.</summary>
    /// <exception cref="JsonException">The input is not JSON; stored objects always are.</exception>
    public static void WriteYaml(ReadOnlySpan<byte> jsonUtf8, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(jsonUtf8.ToArray(), new JsonDocumentOptions { MaxDepth = YamlDocumentReader.MaxDepth });
        YamlEmitter.Write(document.RootElement, output);
    }

    /// <summary>Writes an already parsed JSON value as the apiserver's YAML.</summary>
    public static void WriteYaml(JsonElement json, IBufferWriter<byte> output) => YamlEmitter.Write(json, output);

    /// <summary>The YAML for <paramref name="jsonUtf8"/> as bytes.</summary>
    public static byte[] ToYaml(ReadOnlySpan<byte> jsonUtf8)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(256, jsonUtf8.Length + (jsonUtf8.Length / 2)));
        WriteYaml(jsonUtf8, output);
        return output.WrittenSpan.ToArray();
    }
}
