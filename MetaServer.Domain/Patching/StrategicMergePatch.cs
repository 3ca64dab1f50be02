using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json), the patch kubectl apply, edit, label and
/// annotate send: a JSON merge patch whose lists follow the patch tags of the built-in kinds, plus the
/// <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/</c> and <c>$deleteFromPrimitiveList/</c> directives.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";

    /// <summary>
    /// Applies the patch to a copy of <paramref name="target"/>, an object of the given built-in kind; the target
    /// itself is never changed. Kinds <see cref="PatchStrategies"/> does not know (custom resources) are refused.
    /// </summary>
    public static PatchResult Apply(JsonNode target, ReadOnlySpan<byte> patchUtf8, string group, string kind)
    {
        var schema = PatchStrategies.Find(group, kind);
        if (schema is null)
        {
            var type = group.Length == 0 ? kind : kind + "." + group;
            return PatchResult.Fail($"strategic merge patch is not supported for {type}; send a JSON merge patch or a JSON patch");
        }

        return Apply(target, patchUtf8, schema);
    }

    /// <summary>Applies the patch to a copy of <paramref name="target"/> with the given patch metadata.</summary>
    public static PatchResult Apply(JsonNode target, ReadOnlySpan<byte> patchUtf8, PatchSchema schema)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchUtf8);
        }
        catch (JsonException ex)
        {
            return PatchResult.Fail("the strategic merge patch is not valid JSON: " + ex.Message);
        }

        if (patch is not JsonObject patchObject)
        {
            return PatchResult.Fail("a strategic merge patch must be a JSON object");
        }

        if (target is not JsonObject targetObject)
        {
            return PatchResult.Fail("only a JSON object can take a strategic merge patch");
        }

        // The parsed patch is ours, so directives are taken out of it as they are honoured.
        var error = MergeObject(targetObject.DeepClone().AsObject(), patchObject, schema, "", out var merged);
        return error is null ? PatchResult.Ok(merged) : PatchResult.Fail(error);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/>, which it may change, giving the object that takes its place.</summary>
    private static string? MergeObject(JsonObject original, JsonObject patch, PatchSchema schema, string path, out JsonObject result)
    {
        result = original;
        if (patch.TryGetPropertyValue(PatchDirective, out var directive))
        {
            switch (DirectiveValue(directive))
            {
                case "delete":
                    result = new JsonObject();
                    return null;
                case "replace":
                    patch.Remove(PatchDirective);
                    return MergeObject(new JsonObject(), patch, schema, path, out result);
                case "merge":
                    // Merging is what happens anyway; the directive only says so out loud.
                    patch.Remove(PatchDirective);
                    break;
                default:
                    return UnknownDirective(path, Show(directive));
            }
        }

        var error = ApplyRetainKeys(original, patch, path);
        if (error is not null)
        {
            return error;
        }

        // Lists named by $setElementOrder are merged and ordered together, before the plain fields.
        var ordered = new HashSet<string>(StringComparer.Ordinal);
        error = ApplyElementOrders(original, patch, schema, path, ordered);
        if (error is not null)
        {
            return error;
        }

        List<(string Field, JsonArray Values)>? deletions = null;
        foreach (var (name, value) in patch)
        {
            if (name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) || ordered.Contains(name))
            {
                continue;
            }

            var fieldPath = Join(path, name);
            if (name.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                var field = DirectiveField(name, DeleteFromPrimitiveListPrefix);
                if (field is null)
                {
                    return $"{At(path)}\"{name}\" is not of the form \"{DeleteFromPrimitiveListPrefix}/<field>\"";
                }

                if (value is not JsonArray values)
                {
                    return $"{At(fieldPath)}must be a list of the values to delete";
                }

                (deletions ??= []).Add((field, values));
                continue;
            }

            if (value is null)
            {
                original.Remove(name);
                continue;
            }

            var fieldSchema = schema.Field(name);
            original.TryGetPropertyValue(name, out var current);
            switch (current, value)
            {
                case (JsonObject currentObject, JsonObject patchObject) when (fieldSchema.Strategy & PatchStrategy.Replace) == 0:
                    error = MergeObject(currentObject, patchObject, fieldSchema, fieldPath, out var mergedObject);
                    Put(original, name, mergedObject);
                    break;
                case (JsonArray currentList, JsonArray patchList):
                    error = MergeList(currentList, patchList, fieldSchema, fieldPath, out var mergedList);
                    Put(original, name, ToArray(mergedList));
                    break;
                default:
                    error = Fresh(value, fieldSchema, fieldPath, out var keep, out var fresh);
                    if (keep)
                    {
                        Put(original, name, fresh);
                    }
                    else
                    {
                        original.Remove(name);
                    }

                    break;
            }

            if (error is not null)
            {
                return error;
            }
        }

        // Deletions come last, so a value both added and deleted by one patch ends up deleted.
        foreach (var (field, values) in deletions ?? [])
        {
            error = DeleteFromPrimitiveList(original, field, values, Join(path, field));
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>$retainKeys</c>: every field the patch sets must be listed, and fields of the original that are not listed
    /// are cleared — how a client switches a union (a volume's source, say) from one member to another.
    /// </summary>
    private static string? ApplyRetainKeys(JsonObject original, JsonObject patch, string path)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var directive))
        {
            return null;
        }

        patch.Remove(RetainKeysDirective);
        if (directive is not JsonArray names)
        {
            return $"{At(path)}$retainKeys must be a list of field names";
        }

        var keep = new HashSet<string>(StringComparer.Ordinal);

        foreach (var name in names)
        {
            if (!TryGetString(name, out var text))
            {
                return $"{At(path)}$retainKeys must be a list of field names, not {Show(name)}";
            }

            keep.Add(text);
        }

        foreach (var (name, value) in patch)
        {
            if (value is not null && !IsParallelList(name) && !keep.Contains(name))
            {
                return $"{At(path)}the patch sets \"{name}\", which its $retainKeys list does not keep";
            }
        }

        foreach (var name in original.Select(p => p.Key).Where(n => !keep.Contains(n)).ToList())
        {
            original.Remove(name);
        }

        return null;
    }

    /// <summary>
    /// <c>$setElementOrder/field</c>: merges the patch's list for that field as usual, then orders the result as the
    /// directive lists it; items the directive does not name (added by others) keep their place among the rest.
    /// </summary>
    private static string? ApplyElementOrders(JsonObject original, JsonObject patch, PatchSchema schema, string path, HashSet<string> ordered)
    {
        foreach (var (name, value) in patch)
        {
            if (!name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var field = DirectiveField(name, SetElementOrderPrefix);
            if (field is null)
            {
                return $"{At(path)}\"{name}\" is not of the form \"{SetElementOrderPrefix}/<field>\"";
            }

            var fieldPath = Join(path, field);
            if (value is not JsonArray order)
            {
                return $"{At(path)}{name} must be a list";
            }

            var fieldSchema = schema.Field(field);
            var mergeKey = fieldSchema.MergeKey;
            if (mergeKey is not null && order.Any(o => o is not JsonObject item || !item.ContainsKey(mergeKey)))
            {
                return $"{At(path)}every item of {name} must be an object with the merge key \"{mergeKey}\"";
            }

            JsonArray? originalList = null;
            if (original.TryGetPropertyValue(field, out var current) && current is not null)
            {
                originalList = current as JsonArray;
                if (originalList is null)
                {
                    return $"{At(fieldPath)}{name} applies to a list, but the object has {Show(current)}";
                }
            }

            JsonArray? patchList = null;
            if (patch.TryGetPropertyValue(field, out var patchValue))
            {
                patchList = patchValue as JsonArray;
                if (patchList is null)
                {
                    return $"{At(fieldPath)}must be a list when {name} is given";
                }
            }

            ordered.Add(field);
            if (originalList is null && patchList is null)
            {
                continue;
            }

            var error = ElementKindOf(originalList ?? [], patchList ?? [], fieldPath, out _)
                ?? CheckPatchFollowsOrder(patchList, order, mergeKey, fieldPath, name);
            if (error is not null)
            {
                return error;
            }

            // The server's order before this patch decides where the items the directive does not name go.
            var serverOrder = originalList?.ToList() ?? [];
            List<JsonNode?> merged;
            if (patchList is null)
            {
                merged = Detach(originalList!);
            }
            else if (originalList is null)
            {
                error = FreshItems(patchList, fieldSchema, fieldPath, out merged);
            }
            else
            {
                error = MergeList(originalList, patchList, fieldSchema, fieldPath, out merged);
            }

            if (error is not null)
            {
                return error;
            }

            Put(original, field, ToArray(Order(merged, [.. order], serverOrder, mergeKey)));
        }

        return null;
    }

    /// <summary>The items of the patch list must appear in the <c>$setElementOrder</c> list, in the same order.</summary>
    private static string? CheckPatchFollowsOrder(JsonArray? patchList, JsonArray order, string? mergeKey, string path, string directive)
    {
        if (patchList is null)
        {
            return null;
        }

        // Deleted items and list markers name nothing to order.
        var items = new List<JsonNode?>();
        for (var i = 0; i < patchList.Count; i++)
        {
            var item = patchList[i];
            var itemDirective = ListItemDirective(item);
            if (itemDirective is null || (itemDirective == "merge" && ((JsonObject)item!).Count > 1))
            {
                if (mergeKey is not null && !HasKey(item, mergeKey))
                {
                    return MissingMergeKey(item, mergeKey, $"{path}[{i}]");
                }

                items.Add(item);
            }
        }

        var next = 0;
        foreach (var wanted in order)
        {
            if (next < items.Count && JsonValueEquality.AreEqual(IdOf(items[next], mergeKey), IdOf(wanted, mergeKey)))
            {
                next++;
            }
        }

        return next < items.Count
            ? $"{At(path)}the list does not follow {directive}: {Show(items[next])} is missing from it or out of its order"
            : null;
    }

    private static string? DeleteFromPrimitiveList(JsonObject original, string field, JsonArray values, string path)
    {
        if (!original.TryGetPropertyValue(field, out var current) || current is not JsonArray list)
        {
            return null; // nothing to delete from
        }

        var error = ElementKindOf(list, values, path, out var kind);
        if (error is not null)
        {
            return error;
        }

        if (kind == ElementKind.Object)
        {
            return $"{At(path)}{DeleteFromPrimitiveListPrefix}/{field} applies to lists of primitives; delete objects with {{\"$patch\":\"delete\"}}";
        }

        var kept = Detach(list).Where(item => !values.Any(v => JsonValueEquality.AreEqual(item, v))).ToList();
        Put(original, field, ToArray(kept));
        return null;
    }

    /// <summary>Merges a list field present in both the object and the patch.</summary>
    private static string? MergeList(JsonArray original, JsonArray patch, PatchSchema schema, string path, out List<JsonNode?> result)
    {
        if (!schema.MergesItems)
        {
            return FreshItems(patch, schema, path, out result);
        }

        result = [];
        if (original.Count == 0 && patch.Count == 0)
        {
            return null;
        }

        var error = ElementKindOf(original, patch, path, out var kind);
        if (error is not null)
        {
            return error;
        }

        if (kind != ElementKind.Object)
        {
            // A set of primitives: the union, without duplicates.
            var serverOrder = original.ToList();
            var union = new List<JsonNode?>();
            foreach (var item in Detach(original).Concat(patch.Select(p => p?.DeepClone())))
            {
                if (!union.Any(u => JsonValueEquality.AreEqual(u, item)))
                {
                    union.Add(item);
                }
            }

            result = Order(union, [.. patch], serverOrder, null);
            return null;
        }

        if (schema.MergeKey is not { } mergeKey)
        {
            return $"{At(path)}cannot merge a list of objects that has no merge key";
        }

        return MergeObjectList(original, patch, schema, mergeKey, path, out result);
    }

    private static string? MergeObjectList(JsonArray original, JsonArray patch, PatchSchema schema, string mergeKey, string path, out List<JsonNode?> result)
    {
        var serverOrder = original.ToList();
        var items = Detach(original);
        result = items;
        var regular = new List<(JsonObject Item, string Path)>();
        var replace = false;
        for (var i = 0; i < patch.Count; i++)
        {
            var item = (JsonObject)patch[i]!;
            var itemPath = $"{path}[{i}]";
            switch (ListItemDirective(item))
            {
                case null:
                    break;
                case "delete":
                    if (!item.TryGetPropertyValue(mergeKey, out var key))
                    {
                        return MissingMergeKey(item, mergeKey, itemPath);
                    }

                    items.RemoveAll(x => HasKeyValue(x, mergeKey, key));
                    continue;
                case "replace":
                    // The list becomes exactly the patch's other items.
                    replace = true;
                    continue;
                case "merge":
                    item.Remove(PatchDirective);
                    if (item.Count == 0)
                    {
                        continue;
                    }

                    break;
                default:
                    return UnknownDirective(itemPath, Show(item[PatchDirective]));
            }

            if (!item.ContainsKey(mergeKey))
            {
                return MissingMergeKey(item, mergeKey, itemPath);
            }

            regular.Add((item, itemPath));
        }

        if (replace)
        {
            items = [];
            serverOrder = [];
        }

        foreach (var (item, itemPath) in regular)
        {
            var key = item[mergeKey];
            var index = items.FindIndex(x => HasKeyValue(x, mergeKey, key));
            string? error;
            if (index >= 0)
            {
                error = MergeObject((JsonObject)items[index]!, item, schema, itemPath, out var merged);
                items[index] = merged;
            }
            else
            {
                error = Fresh(item, schema, itemPath, out _, out var fresh);
                items.Add(fresh);
            }

            if (error is not null)
            {
                return error;
            }
        }

        result = Order(items, [.. regular.Select(r => (JsonNode?)r.Item)], serverOrder, mergeKey);
        return null;
    }

    /// <summary>
    /// The value a patch gives a field the object does not have (or has with another type): the patch value with its
    /// nulls dropped and its directives honoured against nothing. <paramref name="keep"/> is false for <c>$patch: delete</c>.
    /// </summary>
    private static string? Fresh(JsonNode? value, PatchSchema schema, string path, out bool keep, out JsonNode? result)
    {
        keep = true;
        result = null;
        switch (value)
        {
            case JsonObject obj:
                if (obj.TryGetPropertyValue(PatchDirective, out var directive) && DirectiveValue(directive) == "delete")
                {
                    keep = false;
                    return null;
                }

                var error = MergeObject(new JsonObject(), obj, schema, path, out var merged);
                result = merged;
                return error;
            case JsonArray array:
                error = FreshItems(array, schema, path, out var items);
                result = ToArray(items);
                return error;
            default:
                result = value?.DeepClone();
                return null;
        }
    }

    /// <summary>A list with nothing to merge into: list markers and deleted items drop out, the rest is taken fresh.</summary>
    private static string? FreshItems(JsonArray patch, PatchSchema schema, string path, out List<JsonNode?> result)
    {
        result = new List<JsonNode?>(patch.Count);
        for (var i = 0; i < patch.Count; i++)
        {
            var item = patch[i];
            var itemPath = $"{path}[{i}]";
            switch (ListItemDirective(item))
            {
                case null:
                    break;
                case "delete" or "replace":
                    continue;
                case "merge":
                    ((JsonObject)item!).Remove(PatchDirective);
                    if (((JsonObject)item).Count == 0)
                    {
                        continue;
                    }

                    break;
                default:
                    return UnknownDirective(itemPath, Show(((JsonObject)item!)[PatchDirective]));
            }

            var error = Fresh(item, schema, itemPath, out var keep, out var fresh);
            if (error is not null)
            {
                return error;
            }

            if (keep)
            {
                result.Add(fresh);
            }
        }

        return null;
    }

    /// <summary>
    /// Puts the items named by <paramref name="order"/> (the patch list or a <c>$setElementOrder</c> list) in that
    /// order, and slots the others between them where they stood in <paramref name="serverOrder"/>. An item new to
    /// the list goes before the server's items that follow it, as the API server does.
    /// </summary>
    private static List<JsonNode?> Order(List<JsonNode?> items, List<JsonNode?> order, List<JsonNode?> serverOrder, string? mergeKey)
    {
        var orderIds = order.Select(o => IdOf(o, mergeKey)).ToList();
        var serverIds = serverOrder.Select(s => IdOf(s, mergeKey)).ToList();
        var named = new List<(JsonNode? Item, int OrderIndex, int ServerIndex)>();
        var serverOnly = new List<(JsonNode? Item, int OrderIndex, int ServerIndex)>();
        foreach (var item in items)
        {
            var id = IdOf(item, mergeKey);
            var entry = (item, IndexOf(orderIds, id), IndexOf(serverIds, id));
            (entry.Item2 >= 0 ? named : serverOnly).Add(entry);
        }

        // OrderBy is stable, which keeps duplicates and unknown items where they were.
        var left = serverOnly.OrderBy(e => e.ServerIndex < 0 ? int.MaxValue : e.ServerIndex).ToList();
        var right = named.OrderBy(e => e.OrderIndex).ToList();
        var result = new List<JsonNode?>(items.Count);
        int l = 0, r = 0;
        while (l < left.Count || r < right.Count)
        {
            var takeLeft = r >= right.Count
                || (l < left.Count && left[l].ServerIndex >= 0 && right[r].ServerIndex >= 0 && left[l].ServerIndex < right[r].ServerIndex);
            result.Add(takeLeft ? left[l++].Item : right[r++].Item);
        }

        return result;
    }

    private static JsonNode? IdOf(JsonNode? item, string? mergeKey) =>
        mergeKey is null ? item : (item as JsonObject)?[mergeKey];

    private static int IndexOf(List<JsonNode?> ids, JsonNode? id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (JsonValueEquality.AreEqual(ids[i], id))
            {
                return i;
            }
        }

        return -1;
    }

    private enum ElementKind
    {
        None,
        Object,
        String,
        Number,
        Boolean,
        Null,
    }

    /// <summary>Every item of both lists must be of one type, and not a list; <see cref="ElementKind.None"/> when both are empty.</summary>
    private static string? ElementKindOf(JsonArray original, JsonArray patch, string path, out ElementKind kind)
    {
        kind = ElementKind.None;
        foreach (var item in original.Concat(patch))
        {
            ElementKind itemKind;
            switch (item)
            {
                case null:
                    itemKind = ElementKind.Null;
                    break;
                case JsonObject:
                    itemKind = ElementKind.Object;
                    break;
                case JsonArray:
                    return $"{At(path)}lists of lists are not supported";
                default:
                    itemKind = item.GetValueKind() switch
                    {
                        JsonValueKind.String => ElementKind.String,
                        JsonValueKind.Number => ElementKind.Number,
                        JsonValueKind.True or JsonValueKind.False => ElementKind.Boolean,
                        _ => ElementKind.Null,
                    };
                    break;
            }

            if (kind == ElementKind.None)
            {
                kind = itemKind;
            }
            else if (kind != itemKind)
            {
                return $"{At(path)}the items of the list are not all of one type";
            }
        }

        return null;
    }

    /// <summary>The <c>$patch</c> value of a list item, or null when it carries none.</summary>
    private static string? ListItemDirective(JsonNode? item) =>
        item is JsonObject obj && obj.TryGetPropertyValue(PatchDirective, out var directive)
            ? DirectiveValue(directive) ?? Show(directive)
            : null;

    private static string? DirectiveValue(JsonNode? directive) => TryGetString(directive, out var text) ? text : null;

    private static bool TryGetString(JsonNode? node, out string text)
    {
        text = "";
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out text!);
    }

    /// <summary>"$setElementOrder/containers" → "containers"; null when the slash or the field is missing.</summary>
    private static string? DirectiveField(string name, string prefix) =>
        name.Length > prefix.Length + 1 && name[prefix.Length] == '/' ? name[(prefix.Length + 1)..] : null;

    private static bool IsParallelList(string name) =>
        name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
        || name.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);

    private static bool HasKey(JsonNode? item, string mergeKey) => item is JsonObject obj && obj.ContainsKey(mergeKey);

    private static bool HasKeyValue(JsonNode? item, string mergeKey, JsonNode? value) =>
        item is JsonObject obj && obj.TryGetPropertyValue(mergeKey, out var key) && JsonValueEquality.AreEqual(key, value);

    private static string UnknownDirective(string path, string value) =>
        $"{At(path)}unknown $patch value {value}: expected \"replace\", \"delete\" or \"merge\"";

    private static string MissingMergeKey(JsonNode? item, string mergeKey, string path) =>
        $"{At(path)}{Show(item)} does not contain the merge key \"{mergeKey}\"";

    /// <summary>Takes the items out of a list so they can go into another one.</summary>
    private static List<JsonNode?> Detach(JsonArray list)
    {
        var items = list.ToList();
        list.Clear();
        return items;
    }

    private static JsonArray ToArray(List<JsonNode?> items) => new([.. items]);

    private static void Put(JsonObject obj, string name, JsonNode? value)
    {
        // Re-setting the node that is already there would fail: a node has one parent.
        if (!obj.TryGetPropertyValue(name, out var existing) || !ReferenceEquals(existing, value))
        {
            obj[name] = value;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string At(string path) => path.Length == 0 ? "" : path + ": ";

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
