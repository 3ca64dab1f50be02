using System.Text.Json.Nodes;

namespace MetaServer.Domain.Authorization;

/// <summary>A stored Role, ClusterRole, RoleBinding or ClusterRoleBinding, as the policy is built from.</summary>
public sealed record RbacObject(string Kind, JsonObject Object)
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string Role = "Role";
    public const string ClusterRole = "ClusterRole";
    public const string RoleBinding = "RoleBinding";
    public const string ClusterRoleBinding = "ClusterRoleBinding";

    public string Name => Object["metadata"]?["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    public string Namespace => Object["metadata"]?["namespace"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
