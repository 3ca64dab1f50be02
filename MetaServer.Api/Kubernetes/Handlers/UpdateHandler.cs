using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>PUT of a whole object (or of its status): optimistic concurrency on metadata.resourceVersion.</summary>
internal sealed class UpdateHandler(ApiWrites writer, IOptions<KubernetesApiOptions> options) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        var input = await WriteRequest.ReadAsync(request, MediaTypes.ObjectBodies, options.Value.MaxRequestBodyBytes);
        if (input.Error is not null)
        {
            return KubeResults.Status(input.Error);
        }

        var obj = WriteRequest.ParseObject(request, input.Body, out var metadata, out var error);
        if (error is null && ObjectRules.StringOf(metadata, "name") is var name && name != request.Name)
        {
            error = KubeStatus.BadRequest($"the name of the object ({name}) does not match the name on the URL ({request.Name})");
        }

        if (error is not null)
        {
            return KubeResults.Status(error);
        }

        var (type, subresource, objectName, manager) = (request.Type, request.Info.Subresource, request.Name, WriteManager.For(request));
        var result = await writer.WriteAsync(new ObjectWrite(type, request.Namespace, objectName, current =>
            current is null
                ? Mutation.Refuse(KubeStatus.NotFound(type.Group, type.Resource, objectName))
                : UpdateRules.Decide(type, subresource, objectName, obj!, current, manager: manager))
        {
            DryRun = input.DryRun,
            Subresource = subresource,
        });
        return WriteAnswers.ToResult(result);
    }
}
