using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching;

/// <summary>RFC 6902 JSON Patch (application/json-patch+json): add, remove, replace, move, copy, test.</summary>
public static class JsonPatch
{
    /// <summary>
    /// Applies every operation in order to a copy of <paramref name="target"/>; all or nothing — the target itself
    /// is never changed, and a failing operation fails the whole patch.
    /// </summary>
    public static PatchResult Apply(JsonNode target, ReadOnlySpan<byte> patchUtf8)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchUtf8);
        }
        catch (JsonException ex)
        {
            return PatchResult.Fail("the JSON patch is not valid JSON: " + ex.Message);
        }

        if (patch is not JsonArray operations)
        {
            return PatchResult.Fail("a JSON patch must be an array of operations");
        }

        JsonNode? document = target.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
            {
                return PatchResult.Fail($"operation {i} is not an object");
            }

            var error = ApplyOne(ref document, operation);
            if (error is not null)
            {
                return PatchResult.Fail($"operation {i} ({Describe(operation)}): {error}");
            }
        }

        return PatchResult.Ok(document);
    }

    private static string? ApplyOne(ref JsonNode? document, JsonObject operation)
    {
        var op = StringMember(operation, "op");
        var pathText = StringMember(operation, "path");
        if (op is null)
        {
            return "missing \"op\"";
        }

        if (pathText is null)
        {
            return "missing \"path\"";
        }

        var path = JsonPointer.Parse(pathText);
        if (path is null)
        {
            return $"\"{pathText}\" is not a JSON pointer";
        }

        switch (op)
        {
            case "add":
                return operation.TryGetPropertyValue("value", out var addValue)
                    ? Add(ref document, path, addValue?.DeepClone())
                    : "missing \"value\"";
            case "remove":
                return Remove(ref document, path, out _);
            case "replace":
                if (!operation.TryGetPropertyValue("value", out var replaceValue))
                {
                    return "missing \"value\"";
                }

                return Remove(ref document, path, out _) ?? Add(ref document, path, replaceValue?.DeepClone());
            case "move":
                {
                    var from = FromPointer(operation, out var fromError);
                    if (from is null)
                    {
                        return fromError;
                    }

                    if (IsProperPrefix(from, path))
                    {
                        return "cannot move a value into one of its own children";
                    }

                    return Remove(ref document, from, out var moved) ?? Add(ref document, path, moved);
                }

            case "copy":
                {
                    var from = FromPointer(operation, out var fromError);
                    if (from is null)
                    {
                        return fromError;
                    }

                    return Resolve(document, from, out var copied) ?? Add(ref document, path, copied?.DeepClone());
                }

            case "test":
                {
                    if (!operation.TryGetPropertyValue("value", out var expected))
                    {
                        return "missing \"value\"";
                    }

                    var error = Resolve(document, path, out var actual);
                    return error ?? (JsonValueEquality.AreEqual(actual, expected) ? null : "test failed: the value differs");
                }

            default:
                return $"unknown op \"{op}\"";
        }
    }

    private static string? Add(ref JsonNode? document, string[] path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            document = value;
            return null;
        }

        var error = Resolve(document, path.AsSpan(0, path.Length - 1), out var parent);
        if (error is not null)
        {
            return error;
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(last);
                obj[last] = value;
                return null;
            case JsonArray array:
                if (last == "-")
                {
                    array.Add(value);
                    return null;
                }

                if (!JsonPointer.TryIndex(last, out var index) || index > array.Count)
                {
                    return $"array index \"{last}\" is out of range";
                }

                array.Insert(index, value);
                return null;
            default:
                return "the parent of the target is not an object or an array";
        }
    }

    private static string? Remove(ref JsonNode? document, string[] path, out JsonNode? removed)
    {
        removed = null;
        if (path.Length == 0)
        {
            removed = document;
            document = null;
            return null;
        }

        var error = Resolve(document, path.AsSpan(0, path.Length - 1), out var parent);
        if (error is not null)
        {
            return error;
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.TryGetPropertyValue(last, out removed))
                {
                    return $"no member \"{last}\" to remove";
                }

                obj.Remove(last);
                return null;
            case JsonArray array:
                if (!JsonPointer.TryIndex(last, out var index) || index >= array.Count)
                {
                    return $"array index \"{last}\" is out of range";
                }

                removed = array[index];
                array.RemoveAt(index);
                return null;
            default:
                return "the parent of the target is not an object or an array";
        }
    }

    private static string? Resolve(JsonNode? document, ReadOnlySpan<string> path, out JsonNode? found)
    {
        found = document;
        foreach (var token in path)
        {
            switch (found)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    found = child;
                    break;
                case JsonArray array when JsonPointer.TryIndex(token, out var index) && index < array.Count:
                    found = array[index];
                    break;
                default:
                    found = null;
                    return $"path segment \"{token}\" does not exist";
            }
        }

        return null;
    }

    private static string[]? FromPointer(JsonObject operation, out string? error)
    {
        var text = StringMember(operation, "from");
        error = text is null ? "missing \"from\"" : null;
        var from = text is null ? null : JsonPointer.Parse(text);
        if (text is not null && from is null)
        {
            error = $"\"{text}\" is not a JSON pointer";
        }

        return from;
    }

    private static bool IsProperPrefix(string[] prefix, string[] path)
    {
        if (prefix.Length >= path.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (prefix[i] != path[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string? StringMember(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Describe(JsonObject operation) =>
        $"{StringMember(operation, "op") ?? "?"} {StringMember(operation, "path") ?? "?"}";
}
