using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching.Apply;

/// <summary>What changed between two versions of an object, as field sets (structured-merge-diff's comparison).</summary>
public sealed record FieldChanges(FieldSet Added, FieldSet Modified, FieldSet Removed)
{
    public bool IsEmpty => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;
}

/// <summary>
/// The structural operations of server-side apply over JSON objects of one kind: the field set of an object, the
/// comparison of two objects, the merge of an applied configuration into an object, and the removal of fields.
/// <para>
/// Lists follow the kind's strategic-merge metadata (<see cref="PatchStrategies"/>), which for the built-in kinds
/// names the same keys as the <c>listType=map</c> markers apply uses: a list with a merge key is a map of items
/// keyed by it, a merging list without one is a set of values, every other list is atomic (owned and replaced
/// whole). Objects are treated as structs: a field is owned, not the object that holds it (an empty object is a
/// leaf). Kinds without metadata (custom resources) therefore have atomic lists, as a CRD without list markers does.
/// </para>
/// <para>
/// Like the apiserver (its strip-meta manager and each kind's reset fields), apiVersion, kind, the identity and
/// bookkeeping fields of metadata, and — when the kind has a status subresource and the write is not to it —
/// status are left out of every field set: nobody owns them.
/// </para>
/// </summary>
public sealed class ObjectFields(PatchSchema schema, bool ignoreStatus)
{
    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new JsonObject());

    private static readonly JsonSerializerOptions ElementOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> IgnoredMetadata =
        ["name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields", "resourceVersion"];

    private enum Scope
    {
        Root,
        Metadata,
        Other,
    }

    public PatchSchema Schema => schema;

    /// <summary>The fields an object (or an applied configuration) sets.</summary>
    public FieldSet Of(JsonObject obj) => Of(ToElement(obj));

    /// <summary>
    /// The fields an object sets, read from its JSON: walking a <see cref="JsonElement"/> allocates nothing per
    /// value, where a <see cref="JsonNode"/> tree would materialize one node each (most of the cost on every write).
    /// </summary>
    public FieldSet Of(JsonElement obj)
    {
        var set = new FieldSet();
        CollectObject(obj, set, schema, Scope.Root);
        return set.Prune();
    }

    /// <summary>
    /// Checks that the keyed lists and sets of an applied configuration can be merged: every item has its key and no
    /// key or value comes twice. Returns the problem as structured-merge-diff words it, or null.
    /// </summary>
    public string? Validate(JsonObject config) => ValidateObject(config, schema, "");

    public FieldChanges Compare(JsonObject? before, JsonObject? after) =>
        Compare(before is null ? null : ToElement(before), after is null ? null : ToElement(after));

    public FieldChanges Compare(JsonElement? before, JsonElement? after)
    {
        var changes = new FieldChanges(new FieldSet(), new FieldSet(), new FieldSet());
        CompareObjects(before ?? EmptyObject, after ?? EmptyObject, changes.Added, changes.Modified, changes.Removed, schema, Scope.Root);
        changes.Added.Prune();
        changes.Modified.Prune();
        changes.Removed.Prune();
        return changes;
    }

    /// <summary>The JSON of a node as an element that needs no disposing.</summary>
    public static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node, ElementOptions);

    /// <summary>
    /// A copy of <paramref name="live"/> with <paramref name="config"/> merged in: objects merge field by field, keyed
    /// lists item by item (new items are appended), sets gain the new values, atomic lists and scalars are replaced, and
    /// a null in the configuration clears the field.
    /// </summary>
    public JsonObject Merge(JsonObject? live, JsonObject config)
    {
        var target = live?.DeepClone().AsObject() ?? [];
        MergeObject(target, config, schema);
        return target;
    }

    /// <summary>Removes every member of <paramref name="fields"/> from <paramref name="obj"/>; holders left empty go too.</summary>
    public void Remove(JsonObject obj, FieldSet fields) => RemoveFromObject(obj, fields, schema);

    private static bool Ignored(Scope scope, string name, bool ignoreStatus) => scope switch
    {
        Scope.Root => name is "apiVersion" or "kind" || (ignoreStatus && name == "status"),
        Scope.Metadata => IgnoredMetadata.Contains(name),
        _ => false,
    };

    private static Scope Below(Scope scope, string name) =>
        scope == Scope.Root && name == "metadata" ? Scope.Metadata : Scope.Other;

    private void CollectObject(JsonElement obj, FieldSet node, PatchSchema s, Scope scope)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var name = property.Name;
            if (!Ignored(scope, name, ignoreStatus))
            {
                CollectValue(property.Value, node.Add(PathElements.Field(name)), s.Field(name), Below(scope, name));
            }
        }
    }

    private void CollectValue(JsonElement value, FieldSet node, PatchSchema s, Scope scope)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                CollectObject(value, node, s, scope);
                break;
            case JsonValueKind.Array:
                var elements = ItemElements(value, s);
                if (elements is null)
                {
                    node.MarkMember();
                    break;
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CollectItem(item, node.Add(elements[i++]), s);
                }

                break;
            default:
                node.MarkMember();
                break;
        }
    }

    private void CollectItem(JsonElement item, FieldSet node, PatchSchema s)
    {
        node.MarkMember();
        if (item.ValueKind == JsonValueKind.Object && s.MergeKey is not null)
        {
            CollectObject(item, node, s, Scope.Other);
        }
    }

    // The element twin of the JsonNode version below: both must spell every item alike.
    private static string[]? ItemElements(JsonElement array, PatchSchema s)
    {
        if (!s.MergesItems)
        {
            return null;
        }

        var elements = new string[array.GetArrayLength()];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (s.MergeKey is { } key)
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(key, out var keyValue)
                    || keyValue.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    return null;
                }

                elements[i] = PathElements.Key(key, PathElements.Canonical(keyValue));
            }
            else
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    return null;
                }

                elements[i] = "v:" + PathElements.Canonical(item);
            }

            if (!seen.Add(elements[i++]))
            {
                return null;
            }
        }

        return elements;
    }

    /// <summary>
    /// The path element of each item of a keyed list or set, or null where the list is atomic — by its metadata, or
    /// because an item has no usable key or comes twice (such a stored list can only be owned whole).
    /// </summary>
    private static string[]? ItemElements(JsonArray array, PatchSchema s) => ItemElements(array, s, out _);

    private static string[]? ItemElements(JsonArray array, PatchSchema s, out string? problem)
    {
        problem = null;
        if (!s.MergesItems)
        {
            return null;
        }

        var elements = new string[array.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var item = array[i];
            if (s.MergeKey is { } key)
            {
                if (item is not JsonObject obj || obj[key] is not JsonValue keyValue)
                {
                    problem = $"element {i}: associative list with keys has an element that omits key field \"{key}\" (and doesn't have default value)";
                    return null;
                }

                elements[i] = PathElements.Key(key, PathElements.Canonical(keyValue));
            }
            else
            {
                if (item is JsonObject or JsonArray)
                {
                    problem = $"element {i}: expected a scalar in a set, found an object or a list";
                    return null;
                }

                elements[i] = PathElements.Value(item);
            }

            if (!seen.Add(elements[i]))
            {
                problem = $"duplicate entries for key {FieldSet.Describe([elements[i]])}";
                return null;
            }
        }

        return elements;
    }

    private static string? ValidateObject(JsonObject obj, PatchSchema s, string path)
    {
        foreach (var (name, value) in obj)
        {
            var fieldPath = path + "." + name;
            var fieldSchema = s.Field(name);
            switch (value)
            {
                case JsonObject child when ValidateObject(child, fieldSchema, fieldPath) is { } problem:
                    return problem;
                case JsonArray array when fieldSchema.MergesItems:
                    if (ItemElements(array, fieldSchema, out var listProblem) is null)
                    {
                        return fieldPath + ": " + listProblem;
                    }

                    if (fieldSchema.MergeKey is not null)
                    {
                        foreach (var item in array.OfType<JsonObject>())
                        {
                            if (ValidateObject(item, fieldSchema, fieldPath + "[]") is { } itemProblem)
                            {
                                return itemProblem;
                            }
                        }
                    }

                    break;
            }
        }

        return null;
    }

    private void CompareObjects(JsonElement before, JsonElement after, FieldSet added, FieldSet modified, FieldSet removed,
        PatchSchema s, Scope scope)
    {
        foreach (var property in after.EnumerateObject())
        {
            var name = property.Name;
            if (Ignored(scope, name, ignoreStatus))
            {
                continue;
            }

            var element = PathElements.Field(name);
            var (fieldSchema, below) = (s.Field(name), Below(scope, name));
            if (before.TryGetProperty(name, out var oldValue))
            {
                CompareValues(oldValue, property.Value, added.Add(element), modified.Add(element), removed.Add(element), fieldSchema, below);
            }
            else
            {
                CollectValue(property.Value, added.Add(element), fieldSchema, below);
            }
        }

        foreach (var property in before.EnumerateObject())
        {
            var name = property.Name;
            if (!after.TryGetProperty(name, out _) && !Ignored(scope, name, ignoreStatus))
            {
                CollectValue(property.Value, removed.Add(PathElements.Field(name)), s.Field(name), Below(scope, name));
            }
        }
    }

    private void CompareValues(JsonElement before, JsonElement after, FieldSet added, FieldSet modified, FieldSet removed,
        PatchSchema s, Scope scope)
    {
        var (kindA, kindB) = (before.ValueKind, after.ValueKind);
        if (kindA == JsonValueKind.Object && kindB == JsonValueKind.Object)
        {
            var (emptyA, emptyB) = (!before.EnumerateObject().Any(), !after.EnumerateObject().Any());
            if (emptyA == emptyB)
            {
                if (!emptyA)
                {
                    CompareObjects(before, after, added, modified, removed, s, scope);
                }

                return;
            }
        }
        else if (kindA == JsonValueKind.Array && kindB == JsonValueKind.Array)
        {
            var (elementsA, elementsB) = (ItemElements(before, s), ItemElements(after, s));
            if (elementsA is null && elementsB is null)
            {
                if (!JsonElement.DeepEquals(before, after))
                {
                    modified.MarkMember();
                }

                return;
            }

            if (elementsA is not null && elementsB is not null)
            {
                CompareItems(before, elementsA, after, elementsB, added, modified, removed, s);
                return;
            }
        }
        else if (kindA is not (JsonValueKind.Object or JsonValueKind.Array) && kindB is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            if (!JsonElement.DeepEquals(before, after))
            {
                modified.MarkMember();
            }

            return;
        }

        // The value changed shape (or an atomic list became keyed): the old fields go, the new ones come.
        CollectValue(before, removed, s, scope);
        CollectValue(after, added, s, scope);
    }

    private void CompareItems(JsonElement a, string[] elementsA, JsonElement b, string[] elementsB,
        FieldSet added, FieldSet modified, FieldSet removed, PatchSchema s)
    {
        var oldItems = new Dictionary<string, JsonElement>(elementsA.Length, StringComparer.Ordinal);
        var i = 0;
        foreach (var item in a.EnumerateArray())
        {
            oldItems[elementsA[i++]] = item;
        }

        var newElements = new HashSet<string>(elementsB, StringComparer.Ordinal);
        i = 0;
        foreach (var item in b.EnumerateArray())
        {
            var element = elementsB[i++];
            if (!oldItems.TryGetValue(element, out var oldItem))
            {
                CollectItem(item, added.Add(element), s);
            }
            else if (oldItem.ValueKind == JsonValueKind.Object && item.ValueKind == JsonValueKind.Object && s.MergeKey is not null)
            {
                CompareObjects(oldItem, item, added.Add(element), modified.Add(element), removed.Add(element), s, Scope.Other);
            }
        }

        i = 0;
        foreach (var item in a.EnumerateArray())
        {
            var element = elementsA[i++];
            if (!newElements.Contains(element))
            {
                CollectItem(item, removed.Add(element), s);
            }
        }
    }

    private static void MergeObject(JsonObject target, JsonObject config, PatchSchema s)
    {
        foreach (var (name, value) in config)
        {
            var fieldSchema = s.Field(name);
            switch (value, target[name])
            {
                case (null, _):
                    target.Remove(name);
                    break;
                case (JsonObject patch, JsonObject live):
                    MergeObject(live, patch, fieldSchema);
                    break;
                case (JsonArray patch, JsonArray live) when ItemElements(patch, fieldSchema) is { } patchElements
                                                             && ItemElements(live, fieldSchema) is { } liveElements:
                    MergeItems(live, liveElements, patch, patchElements, fieldSchema);
                    break;
                default:
                    target[name] = WithoutNulls(value);
                    break;
            }
        }
    }

    private static void MergeItems(JsonArray live, string[] liveElements, JsonArray patch, string[] patchElements, PatchSchema s)
    {
        var index = new Dictionary<string, int>(liveElements.Length, StringComparer.Ordinal);
        for (var i = 0; i < liveElements.Length; i++)
        {
            index[liveElements[i]] = i;
        }

        for (var i = 0; i < patchElements.Length; i++)
        {
            if (!index.TryGetValue(patchElements[i], out var at))
            {
                live.Add(WithoutNulls(patch[i]));
            }
            else if (live[at] is JsonObject liveItem && patch[i] is JsonObject patchItem)
            {
                MergeObject(liveItem, patchItem, s);
            }
        }
    }

    // A configured value as it is stored: a null member means "not set", so it is left out, at any depth.
    private static JsonNode? WithoutNulls(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, member) in obj)
                {
                    if (member is not null)
                    {
                        copy[name] = WithoutNulls(member);
                    }
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(WithoutNulls)]);
            default:
                return value?.DeepClone();
        }
    }

    private static void RemoveFromObject(JsonObject obj, FieldSet fields, PatchSchema s)
    {
        foreach (var (element, sub) in fields.Children)
        {
            if (!element.StartsWith("f:", StringComparison.Ordinal) || !obj.TryGetPropertyValue(element[2..], out var value))
            {
                continue;
            }

            var name = element[2..];
            if (sub.IsMember)
            {
                obj.Remove(name);
                continue;
            }

            switch (value)
            {
                case JsonObject child:
                    RemoveFromObject(child, sub, s.Field(name));
                    if (child.Count == 0)
                    {
                        obj.Remove(name);
                    }

                    break;
                case JsonArray array when ItemElements(array, s.Field(name)) is { } elements:
                    for (var i = array.Count - 1; i >= 0; i--)
                    {
                        if (sub.Child(elements[i]) is not { } itemFields)
                        {
                            continue;
                        }

                        if (itemFields.IsMember)
                        {
                            array.RemoveAt(i);
                        }
                        else if (array[i] is JsonObject item)
                        {
                            RemoveFromObject(item, itemFields, s.Field(name));
                        }
                    }

                    if (array.Count == 0)
                    {
                        obj.Remove(name);
                    }

                    break;
            }
        }
    }
}
