namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>What an untagged plain YAML scalar stands for under go-yaml v2's YAML 1.1 rules.</summary>
internal enum YamlScalarKind
{
    String,
    Null,
    Bool,
    Int,
    UInt,
    Float,
    Timestamp,
}
