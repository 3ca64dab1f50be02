using System.Buffers;
using MetaServer.Api.MetaManager;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Kubernetes.Handlers;

/// <summary>DELETE of a collection: every object the selectors match, answered with the list of what was deleted.</summary>
internal sealed class DeleteCollectionHandler(SqliteStore store, ApiWrites writer, IOptions<KubernetesApiOptions> options, TimeProvider clock, KindRules rules) : IVerbHandler
{
    public async Task<IResult> HandleAsync(ApiRequest request)
    {
        var listOptions = ListOptions.Parse(request.Query, request.Type.Group, request.Type.Resource, options.Value.MaxListLimit, out var error);
        if (listOptions is null)
        {
            return KubeResults.Status(error!);
        }

        var body = await WriteRequest.ReadAsync(request, MediaTypes.ObjectBodies, options.Value.MaxRequestBodyBytes);
        var deleteOptions = body.Error is null ? DeleteOptions.Parse(body.Body, out error) : null;
        if (deleteOptions is null)
        {
            return KubeResults.Status(body.Error ?? error!);
        }

        var matcher = new ObjectMatcher(listOptions);
        var targets = new List<(string Namespace, string Name)>();
        var prefix = request.Type.KeyPrefix(request.Namespace.Length == 0 ? null : request.Namespace);
        using (var cursor = store.OpenList(prefix, null))
        {
            while (cursor.Read())
            {
                if (matcher.Matches(cursor))
                {
                    targets.Add(request.Type.SplitKey(cursor.Key));
                }
            }
        }

        var now = clock.GetUtcNow();
        // The kind's rules hold here as for a single delete: what may not be deleted is left out, and what
        // depends on a deleted object goes with it.
        var plans = targets.Select(t => rules.PlanDelete(request.Type, t.Name)).ToArray();
        var writes = targets.Where((_, i) => plans[i].Refusal is null)
            .Select(t => DeleteHandler.Write(request.Type, t.Namespace, t.Name, deleteOptions, now) with { DryRun = body.DryRun }).ToArray();
        var allowed = plans.Where(p => p.Refusal is null).ToArray();
        var results = await writer.WriteAllAsync(writes);
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is WriteResult.Committed { Type: ChangeType.Deleted } && allowed[i].AfterDeleted is { } follow)
            {
                await follow();
            }
        }

        var output = new ArrayBufferWriter<byte>();
        output.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"kind\":\"{request.Type.ListKind}\",\"apiVersion\":\"{request.Type.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{store.CurrentRevision}\"}},\"items\":["));
        var first = true;
        foreach (var result in results)
        {
            // An object deleted meanwhile by someone else is simply not in the answer.
            var stored = result switch
            {
                WriteResult.Committed committed => committed.Object,
                WriteResult.WouldCommit dryRunResult => dryRunResult.Object,
                _ => null,
            };
            if (stored is not null)
            {
                if (!first)
                {
                    output.Write(","u8);
                }

                first = false;
                output.Write(stored.Value);
            }
        }

        output.Write("]}"u8);
        return KubeResults.Object(output.WrittenSpan.ToArray());
    }
}
