using System.Text.Json.Serialization;

namespace MetaServer.Api.Kubernetes;

/// <summary>Source-generated JSON metadata for the few plain values the API serializes itself.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class KubeJson : JsonSerializerContext;
