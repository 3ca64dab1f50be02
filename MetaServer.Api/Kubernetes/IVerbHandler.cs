namespace MetaServer.Api.Kubernetes;

/// <summary>Serves one verb (get, list, create, ...) for every resource type.</summary>
internal interface IVerbHandler
{
    Task<IResult> HandleAsync(ApiRequest request);
}
