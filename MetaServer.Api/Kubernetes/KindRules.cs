using System.Text.Json.Nodes;
using MetaServer.Api.CustomResources;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Api.Kubernetes;

/// <summary>What one deletion needs: a refusal, or what must follow once it is committed.</summary>
internal readonly record struct DeletePlan(KubeStatus? Refusal, Func<Task>? AfterDeleted);

/// <summary>
/// The rules particular to some kinds, in one place like the apiserver's per-kind strategies, so every verb
/// that creates or deletes applies them (a delete and a deletecollection alike): a new pod starts Pending, a
/// CustomResourceDefinition is checked and accepted, the system namespaces cannot be deleted, and deleting a
/// namespace or a definition takes what depends on it along.
/// </summary>
internal sealed class KindRules(ResourceRegistry registry, DependentCleanup cleanup)
{
    private static readonly string[] ProtectedNamespaces = ["default", "kube-system", "kube-public"];

    public KubeStatus? BeforeCreate(ResourceType type, JsonObject obj, string name, DateTimeOffset now)
    {
        if (IsCore(type, "pods"))
        {
            ObjectRules.PreparePodForCreate(obj);
        }
        else if (type == ResourceCatalog.CustomResourceDefinitions)
        {
            var causes = CustomResourceDefinitions.Validate(obj, ResourceCatalog.BuiltIn);
            if (causes.Count > 0)
            {
                return KubeStatus.Invalid(type.Group, type.Kind, name, causes);
            }

            CustomResourceDefinitions.SetAccepted(obj, ObjectRules.Timestamp(now));
        }

        return null;
    }

    public DeletePlan PlanDelete(ResourceType type, string name)
    {
        if (IsCore(type, "namespaces"))
        {
            return ProtectedNamespaces.Contains(name)
                ? new(KubeStatus.Forbidden("", "namespaces", name, "this namespace may not be deleted"), null)
                : new(null, () => cleanup.RemoveNamespaceAsync(name));
        }

        if (type == ResourceCatalog.CustomResourceDefinitions && registry.ServedBy(type.KeyOf(null, name)) is { } defined)
        {
            // Looked up before the delete: once it commits, the registry no longer knows what it served.
            return new(null, () => cleanup.RemoveAllAsync(defined));
        }

        return default;
    }

    private static bool IsCore(ResourceType type, string resource) => type.Group.Length == 0 && type.Resource == resource;
}
