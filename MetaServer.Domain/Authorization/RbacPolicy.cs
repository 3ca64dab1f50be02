using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Authorization;

/// <summary>
/// The RBAC policy in force, built once from the stored roles and bindings and then read by every request:
/// each binding is resolved to its role's rules up front and indexed by subject, so a decision looks at the
/// grants of the user and its groups only. Members of <c>system:masters</c> may do everything; every
/// authenticated identity may read discovery, health and version paths and review its own access, as the
/// API server's system:discovery and system:basic-user roles allow.
/// </summary>
public sealed class RbacPolicy
{
    /// <summary>What every authenticated identity may do without any stored binding.</summary>
    public static IReadOnlyList<PolicyRule> AuthenticatedRules { get; } =
    [
        new(["get"], [], [], [], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/readyz", "/version", "/version/", "/openapi", "/openapi/*"]),
        new(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], [], []),
        new(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"], [], []),
    ];

    private static readonly Grant AuthenticatedGrant = new("", AuthenticatedRules, "");

    private readonly FrozenDictionary<string, Grant[]> _users;
    private readonly FrozenDictionary<string, Grant[]> _groups;

    private RbacPolicy(Dictionary<string, List<Grant>> users, Dictionary<string, List<Grant>> groups)
    {
        _users = users.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _groups = groups.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    public static RbacPolicy Empty { get; } = Build([]);

    /// <summary>How many (subject, binding) grants the policy holds, built-in ones included.</summary>
    public int GrantCount => _users.Values.Sum(g => g.Length) + _groups.Values.Sum(g => g.Length);

    public static RbacPolicy Build(IEnumerable<RbacObject> objects)
    {
        var all = objects.ToArray();
        var roles = new Dictionary<(string Namespace, string Name), IReadOnlyList<PolicyRule>>();
        var clusterRoles = new Dictionary<string, IReadOnlyList<PolicyRule>>(StringComparer.Ordinal);
        foreach (var obj in all)
        {
            if (obj.Kind == RbacObject.Role)
            {
                roles[(obj.Namespace, obj.Name)] = PolicyRule.ParseAll(obj.Object["rules"]);
            }
            else if (obj.Kind == RbacObject.ClusterRole)
            {
                clusterRoles[obj.Name] = PolicyRule.ParseAll(obj.Object["rules"]);
            }
        }

        var users = new Dictionary<string, List<Grant>>(StringComparer.Ordinal);
        var groups = new Dictionary<string, List<Grant>>(StringComparer.Ordinal) { [UserInfo.Authenticated] = [AuthenticatedGrant] };
        foreach (var binding in all)
        {
            var cluster = binding.Kind == RbacObject.ClusterRoleBinding;
            if (!cluster && binding.Kind != RbacObject.RoleBinding)
            {
                continue;
            }

            var scope = cluster ? "" : binding.Namespace;
            var roleKind = Text(binding.Object["roleRef"]?["kind"]);
            var roleName = Text(binding.Object["roleRef"]?["name"]);
            IReadOnlyList<PolicyRule>? rules = roleKind switch
            {
                RbacObject.ClusterRole => clusterRoles.GetValueOrDefault(roleName),
                // A ClusterRoleBinding cannot refer to a Role.
                RbacObject.Role when !cluster => roles.GetValueOrDefault((scope, roleName)),
                _ => null,
            };
            if (rules is null || rules.Count == 0 || binding.Object["subjects"] is not JsonArray subjects)
            {
                continue;
            }

            var bindingName = cluster ? $"\"{binding.Name}\"" : $"\"{binding.Name}\" in namespace \"{scope}\"";
            foreach (var subject in subjects)
            {
                var kind = Text(subject?["kind"]);
                var name = Text(subject?["name"]);
                if (name.Length == 0)
                {
                    continue;
                }

                var because = $"RBAC: allowed by {binding.Kind} {bindingName} of {roleKind} \"{roleName}\" to {kind} \"{name}\"";
                switch (kind)
                {
                    case "User":
                        Add(users, name, new Grant(scope, rules, because));
                        break;
                    case "Group":
                        Add(groups, name, new Grant(scope, rules, because));
                        break;
                    case "ServiceAccount":
                        // A service account subject without a namespace is the binding's own namespace's.
                        var saNamespace = Text(subject?["namespace"]) is { Length: > 0 } ns ? ns : binding.Namespace;
                        if (saNamespace.Length > 0)
                        {
                            Add(users, UserInfo.ServiceAccountUser(saNamespace, name), new Grant(scope, rules, because));
                        }

                        break;
                }
            }
        }

        return new RbacPolicy(users, groups);
    }

    public AuthorizationDecision Authorize(AccessRequest request)
    {
        if (request.User.IsMaster)
        {
            return new AuthorizationDecision(true, "");
        }

        if (_users.TryGetValue(request.User.Name, out var grants) && Find(grants, request) is { } byUser)
        {
            return new AuthorizationDecision(true, byUser.Because);
        }

        foreach (var group in request.User.Groups)
        {
            if (_groups.TryGetValue(group, out grants) && Find(grants, request) is { } byGroup)
            {
                return new AuthorizationDecision(true, byGroup.Because);
            }
        }

        return AuthorizationDecision.Deny;
    }

    private static Grant? Find(Grant[] grants, AccessRequest request)
    {
        foreach (var grant in grants)
        {
            // A cluster-wide grant applies everywhere; a namespaced one only to requests in its namespace.
            if (grant.Namespace.Length > 0 && grant.Namespace != request.Namespace)
            {
                continue;
            }

            foreach (var rule in grant.Rules)
            {
                if (rule.Allows(request))
                {
                    return grant;
                }
            }
        }

        return null;
    }

    private static void Add(Dictionary<string, List<Grant>> index, string subject, Grant grant)
    {
        if (!index.TryGetValue(subject, out var grants))
        {
            index[subject] = grants = [];
        }

        grants.Add(grant);
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private sealed record Grant(string Namespace, IReadOnlyList<PolicyRule> Rules, string Because);
}
