using System.Text.Json.Serialization;

namespace MetaServer.Api.Operations;

/// <summary>The /version document, shaped like the apiserver's version.Info.</summary>
internal sealed record VersionInfo(
    [property: JsonPropertyName("major")] string Major,
    [property: JsonPropertyName("minor")] string Minor,
    [property: JsonPropertyName("gitVersion")] string GitVersion,
    [property: JsonPropertyName("gitCommit")] string GitCommit,
    [property: JsonPropertyName("gitTreeState")] string GitTreeState,
    [property: JsonPropertyName("buildDate")] string BuildDate,
    [property: JsonPropertyName("goVersion")] string GoVersion,
    [property: JsonPropertyName("compiler")] string Compiler,
    [property: JsonPropertyName("platform")] string Platform);

[JsonSerializable(typeof(VersionInfo))]
internal sealed partial class OperationsJson : JsonSerializerContext;
