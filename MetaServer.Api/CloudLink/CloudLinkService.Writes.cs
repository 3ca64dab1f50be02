using System.Net;
using System.Text.Json.Nodes;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Messages;
using MessageOperations = MetaServer.Domain.Messages.Operations;

namespace MetaServer.Api.CloudLink;

internal sealed partial class CloudLinkService
{
    private const int ReplayAttempts = 5;

    /// <summary>
    /// Sends an API write to the cloud, as decided locally (<paramref name="planned"/>: validated, patched and checked
    /// against the local copy by a dry run), with the cloud's resourceVersion in place of the local one. The cloud's
    /// answer is what counts: its object is stored here (its revision kept as the upstream version) and answered;
    /// its Status (409 conflicts included) is answered as it is.
    /// </summary>
    public async Task<WriteResult> ForwardAsync(ObjectWrite write, WriteResult.WouldCommit planned, CancellationToken cancellationToken)
    {
        var obj = JsonNode.Parse(planned.Object.Value)!.AsObject();
        var metadata = obj["metadata"] as JsonObject ?? [];
        (HttpStatusCode Code, JsonObject? Body) answer;
        try
        {
            // A client's DELETE goes to the cloud as a DELETE even when locally it only marks the object
            // (finalizers): the cloud decides whether it is removed or terminating.
            switch (write.Deletes ? ChangeType.Deleted : planned.Type)
            {
                case ChangeType.Added:
                    metadata.Remove("resourceVersion");
                    metadata.Remove("uid");
                    metadata.Remove("creationTimestamp");
                    answer = await upstream.SendAsync(HttpMethod.Post, Upstream.PathOf(write.Type, write.Namespace), obj, cancellationToken: cancellationToken);
                    break;
                case ChangeType.Modified:
                    if (planned.Object.UpstreamResourceVersion is { } version)
                    {
                        metadata["resourceVersion"] = version;
                    }
                    else
                    {
                        metadata.Remove("resourceVersion");
                    }

                    answer = await upstream.SendAsync(HttpMethod.Put, Upstream.PathOf(write.Type, write.Namespace, write.Name, write.Subresource), obj,
                        cancellationToken: cancellationToken);
                    break;
                default:
                    answer = await upstream.SendAsync(HttpMethod.Delete, Upstream.PathOf(write.Type, write.Namespace, write.Name), cancellationToken: cancellationToken);
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new WriteResult.Rejected(KubeStatus.ServiceUnavailable($"the cloud did not answer ({ex.Message}); try again"));
        }

        if ((int)answer.Code >= 300)
        {
            return new WriteResult.Rejected(Upstream.StatusOf(answer.Code, answer.Body));
        }

        // A delete the cloud only began (finalizers, graceful termination) answers the object with a
        // deletionTimestamp: it still exists there, so it is kept here as it now is — removing it would make it
        // vanish and then come back with the cloud's next event. The cloud's watch removes it when it is gone.
        var terminating = write.Deletes
            && answer.Body?["kind"]?.GetValue<string>() != "Status"
            && answer.Body?["metadata"]?["deletionTimestamp"] is not null;
        if (write.Deletes && !terminating)
        {
            var removed = await writer.WriteAsync(write with
            {
                Mutate = current => current is null ? Mutation.Refuse(KubeStatus.NotFound(write.Type.Group, write.Type.Resource, write.Name)) : Mutation.Remove,
            }, cancellationToken);
            // The cloud's watch may have removed it already: the delete is done either way.
            return removed is WriteResult.Committed ? removed : new WriteResult.Committed(planned.Object, ChangeType.Deleted);
        }

        if (answer.Body is not { } stored || stored["metadata"] is not JsonObject storedMetadata)
        {
            return new WriteResult.Rejected(KubeStatus.InternalError("the cloud answered the write without the object"));
        }

        var upstreamVersion = storedMetadata["resourceVersion"]?.GetValue<string>();
        storedMetadata.Remove("resourceVersion");
        var result = await writer.WriteAsync(new ObjectWrite(write.Type, write.Namespace, write.Name, _ => new Mutation.Put(stored, upstreamVersion)),
            cancellationToken);
        // The cloud's watch may have brought the same object first; a create still answers as a create.
        // (A terminating object answers as the object it now is, not as deleted.)
        return result is WriteResult.Unchanged unchanged
            ? new WriteResult.Committed(unchanged.Object, terminating ? ChangeType.Modified : planned.Type)
            : result;
    }

    /// <summary>
    /// The node-owned writes made while disconnected, oldest first, one per object: the object as it is now is put
    /// onto the cloud's copy read afresh (status onto its status; the rest onto its metadata's version), so the
    /// latest state wins and a conflict is resolved by reading again, never by overwriting blindly.
    /// </summary>
    private async Task ReplayOutboxAsync(CancellationToken cancellationToken)
    {
        var entries = await store.ReadOutboxAsync(cancellationToken);
        foreach (var entry in entries)
        {
            var type = registry.Current.All.FirstOrDefault(t => t.Gvr == entry.Gvr);
            var local = type is null ? null : await store.GetAsync(entry.Key, cancellationToken);
            if (type is not null && local is not null)
            {
                var error = await ReplayAsync(type, entry, JsonNode.Parse(local.Value)!.AsObject(), cancellationToken);
                if (error is not null)
                {
                    // Kept: the next reconnect tries again. A failure here means the link is not really up.
                    Log.ReplayFailed(logger, entry.Key, error);
                    throw new HttpRequestException("outbox replay failed: " + error);
                }
            }

            await writer.ExecuteAsync(tx =>
            {
                tx.RemoveFromOutbox(entry.Key, entry.Id);
                return 0;
            }, cancellationToken);
        }

        if (entries.Count > 0)
        {
            Log.Replayed(logger, entries.Count);
        }
    }

    private async Task<string?> ReplayAsync(ResourceType type, OutboxEntry entry, JsonObject local, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < ReplayAttempts; attempt++)
        {
            var (code, cloud) = await upstream.SendAsync(HttpMethod.Get, Upstream.PathOf(type, entry.Namespace, entry.Name), cancellationToken: cancellationToken);
            (HttpStatusCode Code, JsonObject? Body) answer;
            if (code == HttpStatusCode.NotFound)
            {
                if (entry.Subresource.Length > 0)
                {
                    return null; // the object is gone upstream: its status has nowhere to go
                }

                var created = local.DeepClone().AsObject();
                if (created["metadata"] is JsonObject createdMetadata)
                {
                    createdMetadata.Remove("resourceVersion");
                    createdMetadata.Remove("uid");
                }

                answer = await upstream.SendAsync(HttpMethod.Post, Upstream.PathOf(type, entry.Namespace), created, cancellationToken: cancellationToken);
            }
            else if (code == HttpStatusCode.OK && cloud?["metadata"] is JsonObject cloudMetadata)
            {
                JsonObject merged;
                if (entry.Subresource == "status")
                {
                    merged = cloud;
                    merged["status"] = local["status"]?.DeepClone();
                }
                else
                {
                    merged = local.DeepClone().AsObject();
                    merged["metadata"]!["resourceVersion"] = cloudMetadata["resourceVersion"]?.DeepClone();
                    merged["metadata"]!["uid"] = cloudMetadata["uid"]?.DeepClone();
                }

                answer = await upstream.SendAsync(HttpMethod.Put, Upstream.PathOf(type, entry.Namespace, entry.Name, entry.Subresource), merged,
                    cancellationToken: cancellationToken);
            }
            else
            {
                return $"reading it from the cloud answered {(int)code}";
            }

            if (answer.Code == HttpStatusCode.Conflict)
            {
                continue; // changed meanwhile: read again
            }

            if ((int)answer.Code >= 300 || answer.Body?["metadata"] is not JsonObject answerMetadata)
            {
                return $"the cloud answered {(int)answer.Code}: {answer.Body?["message"]}";
            }

            var upstreamVersion = answerMetadata["resourceVersion"]?.GetValue<string>();
            answerMetadata.Remove("resourceVersion");
            var body = answer.Body;
            await writer.WriteAsync(new ObjectWrite(type, entry.Namespace, entry.Name, _ => new Mutation.Put(body, upstreamVersion)), cancellationToken);
            return null;
        }

        return $"still conflicting after {ReplayAttempts} attempts";
    }

    /// <summary>The messages the MetaManager sends to the cloud, turned into upstream calls.</summary>
    private async Task ReadInboxAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _inbox!.Inbox.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(message, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.MessageFailed(logger, message.Header.Id, message.Route.Operation, message.Route.Resource, ex.Message);
                    Answer(message, null, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HandleAsync(Message message, CancellationToken cancellationToken)
    {
        var operation = message.Route.Operation;
        if (operation is MessageOperations.Response or MessageOperations.Error)
        {
            if (operation == MessageOperations.Error)
            {
                Log.MessageFailed(logger, message.Header.ParentId ?? "", operation, message.Route.Resource, message.ContentText() ?? "");
            }

            return; // the MetaManager's answers to what the link sent in
        }

        if (!_connected)
        {
            // As KubeEdge's hub: nothing goes up while the link is down. Statuses are reported again by the
            // meta sync once it is back; a waiting sender gets an error now.
            Answer(message, null, "cannot reach the cloud: not connected");
            return;
        }

        if (!ResourceString.TryParse(message.Route.Resource, out var resource, out var error))
        {
            Answer(message, null, error);
            return;
        }

        switch (resource.ResourceType)
        {
            case ResourceTypes.PodStatus when !resource.IsList:
                await PatchStatusAsync(Core("pods"), resource.Namespace, resource.Name!, StatusIn(message.Content), cancellationToken);
                return;
            case ResourceTypes.PodStatus:
                foreach (var item in message.Content as JsonArray ?? [])
                {
                    if ((item?["name"] ?? item?["Name"])?.GetValue<string>() is { } podName)
                    {
                        await PatchStatusAsync(Core("pods"), resource.Namespace, podName, StatusIn(item), cancellationToken);
                    }
                }

                return;
            case ResourceTypes.NodeStatus when !resource.IsList:
                await PatchStatusAsync(Core("nodes"), "", resource.Name!, StatusIn(message.Content), cancellationToken);
                return;
            case ResourceTypes.PodPatch when !resource.IsList:
                var (code, patched) = await upstream.SendAsync(HttpMethod.Patch, Upstream.PathOf(Core("pods"), resource.Namespace, resource.Name!, "status"),
                    ContentObject(message), "application/strategic-merge-patch+json", cancellationToken);
                Answer(message, patched, (int)code >= 300 ? Upstream.StatusOf(code, patched).Message : null);
                return;
        }

        // The same reading of a resource type as the MetaManager's (built-in kinds first, then custom resources).
        var type = MetaManager.MessageResources.KindOf(registry.Current, resource.ResourceType);
        if (type is null)
        {
            Answer(message, null, $"the cloud link does not know resource type \"{resource.ResourceType}\"");
            return;
        }

        var ns = type.Namespaced ? resource.Namespace : "";
        (HttpStatusCode Code, JsonObject? Body) answer = operation switch
        {
            MessageOperations.Query when resource.IsList => await upstream.SendAsync(HttpMethod.Get, Upstream.PathOf(type, ns), cancellationToken: cancellationToken),
            MessageOperations.Query => await upstream.SendAsync(HttpMethod.Get, Upstream.PathOf(type, ns, resource.Name), cancellationToken: cancellationToken),
            MessageOperations.Insert => await upstream.SendAsync(HttpMethod.Post, Upstream.PathOf(type, ns), ContentObject(message), cancellationToken: cancellationToken),
            MessageOperations.Update => await UpdateAsync(type, ns, resource.Name!, ContentObject(message), cancellationToken),
            MessageOperations.Delete => await upstream.SendAsync(HttpMethod.Delete, Upstream.PathOf(type, ns, resource.Name), cancellationToken: cancellationToken),
            _ => (HttpStatusCode.MethodNotAllowed, null),
        };
        if (answer.Code == HttpStatusCode.MethodNotAllowed && answer.Body is null)
        {
            Answer(message, null, $"the cloud link does not carry \"{operation}\"");
            return;
        }

        Answer(message, answer.Body, (int)answer.Code >= 300 ? Upstream.StatusOf(answer.Code, answer.Body).Message : null);
    }

    // An update from the node (a lease renewal) goes onto the cloud's current version: read, then put.
    private async Task<(HttpStatusCode, JsonObject?)> UpdateAsync(ResourceType type, string ns, string name, JsonObject? content, CancellationToken cancellationToken)
    {
        var (code, cloud) = await upstream.SendAsync(HttpMethod.Get, Upstream.PathOf(type, ns, name), cancellationToken: cancellationToken);
        if (code != HttpStatusCode.OK || content is null)
        {
            return (code, cloud);
        }

        var update = content.DeepClone().AsObject();
        if (update["metadata"] is JsonObject metadata)
        {
            metadata["resourceVersion"] = cloud?["metadata"]?["resourceVersion"]?.DeepClone();
        }

        return await upstream.SendAsync(HttpMethod.Put, Upstream.PathOf(type, ns, name), update, cancellationToken: cancellationToken);
    }

    private async Task PatchStatusAsync(ResourceType type, string ns, string name, JsonNode? status, CancellationToken cancellationToken)
    {
        if (status is null)
        {
            return;
        }

        var (code, body) = await upstream.SendAsync(HttpMethod.Patch, Upstream.PathOf(type, ns, name, "status"),
            new JsonObject { ["status"] = status.DeepClone() }, "application/merge-patch+json", cancellationToken);
        if ((int)code >= 300 && code != HttpStatusCode.NotFound)
        {
            throw new HttpRequestException(Upstream.StatusOf(code, body).Message);
        }
    }

    // KubeEdge's status requests carry the status as "Status" (a Go struct without JSON tags) or "status".
    private static JsonNode? StatusIn(JsonNode? content) =>
        content is JsonObject obj ? obj["Status"] ?? obj["status"] ?? obj : null;

    private static JsonObject? ContentObject(Message message) =>
        message.ContentText() is { } text ? JsonNode.Parse(text) as JsonObject : message.Content?.DeepClone() as JsonObject;

    // The answer to a request the MetaManager sent (remote queries and writes wait for it by parent id): KubeEdge's
    // object answer, {"Object": ..., "Err": null}, or an error message.
    private void Answer(Message request, JsonObject? obj, string? error)
    {
        if (!request.Header.Sync)
        {
            return;
        }

        var answer = error is null
            ? request.Response(new JsonObject { ["Object"] = obj?.DeepClone(), ["Err"] = null }, clock)
            : request.Error(error, ModuleNames.EdgeHub, clock);
        bus.TrySend(ModuleNames.MetaManager, answer);
    }

    private static ResourceType Core(string resource) => Domain.Kubernetes.ResourceCatalog.BuiltIn.Find("", "v1", resource)!;
}
