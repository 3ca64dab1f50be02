using MetaServer.Api.Kubernetes.Handlers;
using MetaServer.Api.Watch;

namespace MetaServer.Api.Kubernetes;

/// <summary>Maps a verb to its handler, as KubeEdge's handler factory and the apiserver's installer do.</summary>
internal sealed class HandlerFactory(
    GetHandler get,
    ListHandler list,
    CreateHandler create,
    UpdateHandler update,
    PatchHandler patch,
    DeleteHandler delete,
    DeleteCollectionHandler deleteCollection,
    WatchHandler watch)
{
    /// <summary>The handler for a verb, or null when the verb is not served.</summary>
    public IVerbHandler? For(string verb) => verb switch
    {
        "get" => get,
        "list" => list,
        "create" => create,
        "update" => update,
        "patch" => patch,
        "delete" => delete,
        "deletecollection" => deleteCollection,
        "watch" => watch,
        _ => null,
    };
}
