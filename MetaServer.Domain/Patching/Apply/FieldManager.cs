using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;

namespace MetaServer.Domain.Patching.Apply;

/// <summary>A field an applier would change that another manager owns.</summary>
public sealed record ApplyConflict(ManagedFieldsEntry Owner, string Field);

/// <summary>The object an apply produces (managedFields written), or the conflicts that stop it, or why it is malformed.</summary>
public sealed record ApplyOutcome(JsonObject? Object, IReadOnlyList<ApplyConflict> Conflicts, string? Error)
{
    public static ApplyOutcome Fail(string error) => new(null, [], error);
}

/// <summary>
/// Server-side apply and the bookkeeping of <c>metadata.managedFields</c>, as the apiserver's field manager does them
/// (structured-merge-diff's Updater): pure functions from the stored object, the incoming one and the manager to the
/// object to store.
/// </summary>
public static class FieldManager
{
    /// <summary>
    /// Applies <paramref name="config"/> for <paramref name="manager"/> to <paramref name="live"/> (null: the object is
    /// new). The configuration's fields are merged in; fields the manager applied last time and no longer does are
    /// removed unless another manager owns them; a change to a field another manager owns is a conflict unless
    /// <paramref name="force"/>, which moves the field to this manager.
    /// </summary>
    public static ApplyOutcome Apply(JsonObject? live, JsonObject config, ObjectFields fields, string manager, bool force, string now)
    {
        if (fields.Validate(config) is { } invalid)
        {
            return ApplyOutcome.Fail(invalid);
        }

        var entries = ReadLenient(live);
        var self = new ManagedFieldsEntry(manager, ManagedFieldsEntry.Apply, ApiVersionOf(config), null, "", new FieldSet());
        var last = entries.FirstOrDefault(e => e.SameManagerAs(self));
        var others = entries.Where(e => !ReferenceEquals(e, last)).ToList();

        var applied = fields.Of(config);
        var merged = fields.Merge(live, config);
        if (last is not null && !last.Fields.IsEmpty)
        {
            var held = applied.Clone();
            foreach (var other in others)
            {
                held.UnionWith(other.Fields);
            }

            fields.Remove(merged, last.Fields.ExceptWhereHeld(held));
        }

        var changes = fields.Compare(live, merged);
        var changing = FieldSet.Union(changes.Modified, changes.Added);
        var conflicts = new List<ApplyConflict>();
        var taken = new Dictionary<ManagedFieldsEntry, FieldSet>(ReferenceEqualityComparer.Instance);
        foreach (var other in others)
        {
            var overlap = FieldSet.Intersection(other.Fields, changing);
            if (!overlap.IsEmpty)
            {
                taken[other] = overlap;
                conflicts.AddRange(overlap.Members().Select(path => new ApplyConflict(other, FieldSet.Describe(path))));
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            return new ApplyOutcome(null,
                [.. conflicts.OrderBy(c => c.Owner.Manager, StringComparer.Ordinal).ThenBy(c => c.Owner.Operation, StringComparer.Ordinal)],
                null);
        }

        var result = new List<ManagedFieldsEntry>();
        foreach (var other in others)
        {
            var kept = FieldSet.Difference(other.Fields, changes.Removed);
            if (taken.TryGetValue(other, out var lost))
            {
                kept = FieldSet.Difference(kept, lost);
            }

            if (!kept.IsEmpty)
            {
                result.Add(other with { Fields = kept });
            }
        }

        if (!applied.IsEmpty)
        {
            // The time moves only when the object does, so applying the same configuration again stores nothing.
            var time = changes.IsEmpty && last is not null && last.Fields.ToFieldsV1().ToJsonString() == applied.ToFieldsV1().ToJsonString()
                ? last.Time
                : now;
            result.Add(self with { Time = time, Fields = applied });
        }

        Write(merged, result);
        return new ApplyOutcome(merged, [], null);
    }

    /// <summary>
    /// Records a create, update or non-apply patch of <paramref name="manager"/>: the fields it added or changed become
    /// its own (taken from whoever owned them — an update never conflicts), removed fields leave every manager.
    /// <paramref name="updated"/> gets its <c>metadata.managedFields</c>: the ones it brought, if it brought a
    /// non-empty list (a list of one empty entry clears them all), else the stored object's. Returns why the ones it
    /// brought cannot be read, or null.
    /// </summary>
    public static string? RecordUpdate(JsonObject? live, JsonObject updated, ObjectFields fields, string manager, string apiVersion,
        string subresource, string now) =>
        RecordUpdate(live is null ? null : ObjectFields.ToElement(live), updated, fields, manager, apiVersion, subresource, now);

    /// <inheritdoc cref="RecordUpdate(JsonObject, JsonObject, ObjectFields, string, string, string, string)"/>
    /// <param name="live">The stored object's JSON (it is compared as JSON, never parsed into nodes).</param>
    public static string? RecordUpdate(JsonElement? live, JsonObject updated, ObjectFields fields, string manager, string apiVersion,
        string subresource, string now)
    {
        var metadata = updated["metadata"] as JsonObject;
        if (metadata is null)
        {
            return null;
        }

        List<ManagedFieldsEntry> entries;
        JsonElement? liveManaged = live is { } l && l.TryGetProperty("metadata", out var liveMeta) && liveMeta.ValueKind == JsonValueKind.Object
            && liveMeta.TryGetProperty("managedFields", out var managed) ? managed : null;
        if (metadata["managedFields"] is JsonArray { Count: > 0 } brought)
        {
            try
            {
                entries = ManagedFieldsEntry.ReadAll(brought);
                foreach (var entry in entries)
                {
                    _ = entry.Fields; // a client's FieldsV1 is checked before it is stored
                }
            }
            catch (FormatException ex)
            {
                return ex.Message;
            }

            if (entries.Count == 0)
            {
                metadata.Remove("managedFields");
                return null;
            }
        }
        else
        {
            entries = ReadLenient(liveManaged, decode: false);
        }

        var changes = fields.Compare(live, ObjectFields.ToElement(updated));
        if (changes.IsEmpty)
        {
            if (metadata["managedFields"] is not JsonArray { Count: > 0 })
            {
                SetManagedFields(metadata, liveManaged is { } stored ? JsonNode.Parse(stored.GetRawText()) : null);
            }

            return null;
        }

        var self = new ManagedFieldsEntry(manager, ManagedFieldsEntry.Update, apiVersion, now, subresource, new FieldSet());
        var previous = entries.FirstOrDefault(e => e.SameManagerAs(self));
        var changing = FieldSet.Union(changes.Modified, changes.Added);
        var touched = FieldSet.Union(changing, changes.Removed);
        var result = new List<ManagedFieldsEntry>();
        foreach (var other in entries.Where(e => !ReferenceEquals(e, previous)))
        {
            if (!other.Touches(touched))
            {
                result.Add(other);
                continue;
            }

            var kept = FieldSet.Difference(FieldSet.Difference(other.Fields, changing), changes.Removed);
            if (!kept.IsEmpty)
            {
                result.Add(other with { Fields = kept });
            }
        }

        var mine = previous is null ? new FieldSet() : FieldSet.Difference(previous.Fields, changes.Removed);
        mine.UnionWith(changing);
        if (!mine.Prune().IsEmpty)
        {
            result.Add(self with { Fields = mine });
        }

        Write(updated, result);
        return null;
    }

    /// <summary>
    /// The 409 the apiserver answers for apply conflicts, with one <c>FieldManagerConflict</c> cause per field and a
    /// message that names the owners (grouped by manager when there are several conflicts).
    /// </summary>
    public static KubeStatus ConflictStatus(IReadOnlyList<ApplyConflict> conflicts)
    {
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Owner.Describe()}: {conflicts[0].Field}";
        }
        else
        {
            var lines = conflicts
                .GroupBy(c => c.Owner.Describe())
                .SelectMany(group => group.Select(c => "- " + c.Field).Prepend($"conflicts with {group.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        return new KubeStatus(409, "Conflict", message)
        {
            Causes = [.. conflicts.Select(c => new StatusCause("FieldManagerConflict", "conflict with " + c.Owner.Describe(), c.Field))],
        };
    }

    private static string ApiVersionOf(JsonObject obj) =>
        obj["apiVersion"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    // The stored entries; ones that cannot be read are dropped, as the apiserver resets managedFields it cannot decode.
    private static List<ManagedFieldsEntry> ReadLenient(JsonObject? live) =>
        ReadLenient(live?["metadata"]?["managedFields"] is { } managed ? ObjectFields.ToElement(managed) : null);

    // Decoding every entry up front (decode) drops a malformed one; without it the stored entries, which were all
    // checked when written, are decoded only when a write touches them.
    private static List<ManagedFieldsEntry> ReadLenient(JsonElement? managedFields, bool decode = true)
    {
        try
        {
            if (managedFields is not { } stored)
            {
                return [];
            }

            var entries = ManagedFieldsEntry.ReadAll(stored);
            foreach (var entry in decode ? entries : [])
            {
                _ = entry.Fields;
            }

            return entries;
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static void Write(JsonObject obj, List<ManagedFieldsEntry> entries)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            obj["metadata"] = metadata;
        }

        SetManagedFields(metadata, entries.Count == 0 ? null : ManagedFieldsEntry.WriteAll(entries));
    }

    private static void SetManagedFields(JsonObject metadata, JsonNode? managedFields)
    {
        if (managedFields is null)
        {
            metadata.Remove("managedFields");
        }
        else
        {
            metadata["managedFields"] = managedFields;
        }
    }
}
