using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>POST of a new object: type and namespace checked, named, given its identity, stored once.</summary>
internal sealed class CreateHandler(ApiWrites writer, IOptions<KubernetesApiOptions> options, TimeProvider clock, KindRules rules) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        if (request.Name.Length > 0)
        {
            return KubeResults.Status(KubeStatus.MethodNotAllowed(request.Http.Request.Method));
        }

        var input = await WriteRequest.ReadAsync(request, MediaTypes.ObjectBodies, options.Value.MaxRequestBodyBytes);
        if (input.Error is not null)
        {
            return KubeResults.Status(input.Error);
        }

        var obj = WriteRequest.ParseObject(request, input.Body, out var metadata, out var error);
        var name = "";
        error ??= ObjectRules.PrepareForCreate(metadata, request.Type, clock.GetUtcNow(), out name);
        if (error is not null)
        {
            return KubeResults.Status(error);
        }

        if (rules.BeforeCreate(request.Type, obj!, name, clock.GetUtcNow()) is { } refused)
        {
            return KubeResults.Status(refused);
        }

        // A create that brings managedFields keeps them, with an Update entry for what its manager set (see WriteManager).
        if (WriteManager.For(request).RecordUpdate(request.Type, "", name, null, obj!) is { } badManagedFields)
        {
            return KubeResults.Status(badManagedFields);
        }

        var type = request.Type;
        var write = new ObjectWrite(type, request.Namespace, name, current =>
            current is null
                ? new Mutation.Put(obj!)
                : Mutation.Refuse(KubeStatus.AlreadyExists(type.Group, type.Resource, name)))
        {
            DryRun = input.DryRun,
        };
        var result = type.Namespaced ? await writer.CreateInNamespaceAsync(write) : await writer.WriteAsync(write);
        return WriteAnswers.ToResult(result, StatusCodes.Status201Created);
    }
}
