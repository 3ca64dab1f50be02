using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching.Apply;

/// <summary>
/// One <c>metadata.managedFields</c> entry: who set which fields, by apply or by another write. An entry read from a
/// stored object keeps its FieldsV1 as stored and decodes it only when asked for its fields, so the entries a write
/// does not touch cost nothing to carry over.
/// </summary>
public sealed record ManagedFieldsEntry(string Manager, string Operation, string ApiVersion, string? Time, string Subresource)
{
    private FieldSet? _fields;

    public ManagedFieldsEntry(string manager, string operation, string apiVersion, string? time, string subresource, FieldSet fields)
        : this(manager, operation, apiVersion, time, subresource) => _fields = fields;

    /// <summary>The FieldsV1 as read, while <see cref="Fields"/> has not been replaced.</summary>
    public JsonElement? StoredFields { get; init; }

    public FieldSet Fields
    {
        get => _fields ??= StoredFields is { } stored ? FieldSet.FromFieldsV1(stored) : new FieldSet();
        init => _fields = value;
    }

    /// <summary>Whether this entry owns any member of <paramref name="changes"/>, decoding nothing if it can help it.</summary>
    public bool Touches(FieldSet changes) =>
        _fields is null && StoredFields is { } stored ? FieldSet.Touches(stored, changes) : !FieldSet.Intersection(Fields, changes).IsEmpty;

    public const string Apply = "Apply";
    public const string Update = "Update";

    /// <summary>
    /// The identity the apiserver keeps entries apart by: manager, operation and subresource, plus the API version
    /// for updates (an applier keeps one entry whatever version it applies with). Time is never part of it.
    /// </summary>
    public bool SameManagerAs(ManagedFieldsEntry other) =>
        Manager == other.Manager && Operation == other.Operation && Subresource == other.Subresource
        && (Operation == Apply || ApiVersion == other.ApiVersion);

    /// <summary>How a conflict names the manager: <c>"kubectl-edit" using v1</c> for an update, <c>"mgr"</c> for an applier.</summary>
    public string Describe()
    {
        var text = Quote(Manager);
        if (Subresource.Length > 0)
        {
            text += " with subresource " + Quote(Subresource);
        }

        return Operation == Update ? $"{text} using {ApiVersion}" : text;
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text,
        new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public JsonObject ToJson()
    {
        var obj = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
        };
        if (Time is not null)
        {
            obj["time"] = Time;
        }

        obj["fieldsType"] = "FieldsV1";
        obj["fieldsV1"] = _fields is null && StoredFields is { } stored ? JsonNode.Parse(stored.GetRawText()) : Fields.ToFieldsV1();
        if (Subresource.Length > 0)
        {
            obj["subresource"] = Subresource;
        }

        return obj;
    }

    /// <summary>
    /// Reads <c>metadata.managedFields</c>. Entries that are empty objects are dropped (that is how a client clears
    /// the list); anything malformed throws <see cref="FormatException"/>.
    /// </summary>
    public static List<ManagedFieldsEntry> ReadAll(JsonNode? managedFields) =>
        managedFields is null ? [] : ReadAll(JsonSerializer.SerializeToElement(managedFields));

    /// <inheritdoc cref="ReadAll(JsonNode)"/>
    public static List<ManagedFieldsEntry> ReadAll(JsonElement managedFields)
    {
        var entries = new List<ManagedFieldsEntry>();
        if (managedFields.ValueKind == JsonValueKind.Null)
        {
            return entries;
        }

        if (managedFields.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("metadata.managedFields must be a list");
        }

        foreach (var entry in managedFields.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("each metadata.managedFields entry must be an object");
            }

            if (!entry.EnumerateObject().Any())
            {
                continue;
            }

            var operation = Text(entry, "operation");
            if (operation is not (Apply or Update))
            {
                throw new FormatException($"metadata.managedFields operation must be `Apply` or `Update`, not \"{operation}\"");
            }

            if (Text(entry, "fieldsType") is { Length: > 0 } type && type != "FieldsV1")
            {
                throw new FormatException($"metadata.managedFields fieldsType must be `FieldsV1`, not \"{type}\"");
            }

            JsonElement? fields = entry.TryGetProperty("fieldsV1", out var v1) && v1.ValueKind != JsonValueKind.Null ? v1 : null;
            if (fields is { ValueKind: not JsonValueKind.Object })
            {
                throw new FormatException("metadata.managedFields fieldsV1 must be an object");
            }

            entries.Add(new ManagedFieldsEntry(Text(entry, "manager") ?? "", operation, Text(entry, "apiVersion") ?? "",
                Text(entry, "time"), Text(entry, "subresource") ?? "")
            { StoredFields = fields });
        }

        return entries;
    }

    /// <summary>The entries in the apiserver's order: appliers first, then by time, manager, version, subresource.</summary>
    public static JsonArray WriteAll(IEnumerable<ManagedFieldsEntry> entries) =>
    [
        .. entries
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(e => e.Time ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource, StringComparer.Ordinal)
            .Select(e => (JsonNode)e.ToJson()),
    ];

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
