using System.Text.Json.Nodes;
using MetaServer.Data;
using MetaServer.Domain.Authorization;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Security;

/// <summary>
/// RBAC over the stored roles and bindings: loaded at start and rebuilt from committed changes (it is a change
/// observer, like the resource registry), so a binding takes effect as soon as its write commits and decisions
/// never touch the database, connected to an upstream or not.
/// </summary>
internal sealed partial class RbacAuthorizer : IChangeObserver
{
    private static readonly (string Gvr, string Kind)[] Kinds =
    [
        (Find("roles").Gvr, RbacObject.Role),
        (Find("clusterroles").Gvr, RbacObject.ClusterRole),
        (Find("rolebindings").Gvr, RbacObject.RoleBinding),
        (Find("clusterrolebindings").Gvr, RbacObject.ClusterRoleBinding),
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RbacObject> _objects = new(StringComparer.Ordinal);
    private readonly ILogger<RbacAuthorizer> _logger;
    private RbacPolicy _policy = RbacPolicy.Empty;

    public RbacAuthorizer(SqliteStore store, ILogger<RbacAuthorizer> logger)
    {
        _logger = logger;
        foreach (var (gvr, kind) in Kinds)
        {
            using var cursor = store.OpenList("/" + gvr + "/", null);
            while (cursor.Read())
            {
                if (JsonNode.Parse(cursor.Value) is JsonObject obj)
                {
                    _objects[cursor.Key] = new RbacObject(kind, obj);
                }
            }
        }

        Rebuild();
    }

    public RbacPolicy Policy => Volatile.Read(ref _policy);

    public AuthorizationDecision Authorize(AccessRequest request) => Policy.Authorize(request);

    public void OnCommitted(IReadOnlyList<CommittedChange> changes)
    {
        var changed = false;
        foreach (var change in changes)
        {
            if (KindOf(change.Gvr) is not { } kind)
            {
                continue;
            }

            lock (_gate)
            {
                if (change.Type != ChangeType.Deleted && JsonNode.Parse(change.Value) is JsonObject obj)
                {
                    _objects[change.Key] = new RbacObject(kind, obj);
                }
                else
                {
                    _objects.Remove(change.Key);
                }
            }

            changed = true;
        }

        if (changed)
        {
            Rebuild();
        }
    }

    private void Rebuild()
    {
        lock (_gate)
        {
            var policy = RbacPolicy.Build(_objects.Values);
            Volatile.Write(ref _policy, policy);
            Log.PolicyBuilt(_logger, _objects.Count, policy.GrantCount);
        }
    }

    private static string? KindOf(string gvr)
    {
        foreach (var (candidate, kind) in Kinds)
        {
            if (candidate == gvr)
            {
                return kind;
            }
        }

        return null;
    }

    private static ResourceType Find(string resource) => ResourceCatalog.BuiltIn.Find(RbacObject.Group, "v1", resource)!;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "RBAC policy built from {Objects} roles and bindings: {Grants} grants")]
        public static partial void PolicyBuilt(ILogger logger, int objects, int grants);
    }
}
