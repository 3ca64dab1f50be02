using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>
/// Writes meta.k8s.io/v1 Table documents, piece by piece so a list can stream its rows as they are read:
/// <see cref="WriteStart"/>, any number of <see cref="WriteRow(Utf8JsonWriter, string, string, JsonObject, DateTimeOffset, IncludeObject)"/>,
/// then <see cref="WriteEnd"/>. Field order and null/empty handling follow the apiserver's JSON.
/// </summary>
public static class TableWriter
{
    public const string ApiVersion = "meta.k8s.io/v1";

    // ObjectMeta's fields in the apiserver's order; a PartialObjectMetadata carries exactly these.
    private static readonly string[] MetadataFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    /// <summary>
    /// Opens the Table and its <c>rows</c> array. Without column definitions (later events of a watch) the field
    /// is written as null, as the apiserver does.
    /// </summary>
    public static void WriteStart(Utf8JsonWriter writer, string group, string resource, TableListMeta metadata,
        bool withColumnDefinitions = true)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Table");
        writer.WriteString("apiVersion", ApiVersion);
        WriteListMeta(writer, metadata);
        if (withColumnDefinitions)
            WriteColumnDefinitions(writer, TableConverter.Columns(group, resource));
        else
            writer.WriteNull("columnDefinitions");
        writer.WriteStartArray("rows");
    }

    /// <summary>Writes the <c>columnDefinitions</c> property.</summary>
    public static void WriteColumnDefinitions(Utf8JsonWriter writer, IReadOnlyList<TableColumn> columns)
    {
        writer.WriteStartArray("columnDefinitions");
        foreach (var column in columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name", column.Name);
            writer.WriteString("type", column.Type);
            writer.WriteString("format", column.Format);
            writer.WriteString("description", column.Description);
            writer.WriteNumber("priority", column.Priority);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes one row for <paramref name="obj"/>; with <see cref="IncludeObject.Object"/> the object itself.</summary>
    public static void WriteRow(Utf8JsonWriter writer, string group, string resource, JsonObject obj,
        DateTimeOffset now, IncludeObject include)
    {
        WriteCells(writer, group, resource, obj, now);
        writer.WritePropertyName("object");
        switch (include)
        {
            case IncludeObject.Object:
                obj.WriteTo(writer);
                break;
            case IncludeObject.Metadata:
                WritePartialObjectMetadata(writer, obj.Obj("metadata"));
                break;
            default:
                writer.WriteNullValue();
                break;
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes one row for an object held as stored UTF-8 JSON; with <see cref="IncludeObject.Object"/> the stored
    /// bytes are copied as they are instead of being serialized again.
    /// </summary>
    public static void WriteRow(Utf8JsonWriter writer, string group, string resource, ReadOnlySpan<byte> storedObject,
        DateTimeOffset now, IncludeObject include)
    {
        if (JsonNode.Parse(storedObject) is not JsonObject obj)
            throw new ArgumentException("A stored object must be a JSON object.", nameof(storedObject));
        if (include != IncludeObject.Object)
        {
            WriteRow(writer, group, resource, obj, now, include);
            return;
        }

        WriteCells(writer, group, resource, obj, now);
        writer.WritePropertyName("object");
        // Parsing above has already proved the bytes are valid JSON.
        writer.WriteRawValue(storedObject, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>Closes the <c>rows</c> array and the Table.</summary>
    public static void WriteEnd(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A whole Table for a list of objects.</summary>
    public static void WriteTable(Utf8JsonWriter writer, string group, string resource, IEnumerable<JsonObject> objects,
        TableListMeta metadata, DateTimeOffset now, IncludeObject include)
    {
        WriteStart(writer, group, resource, metadata);
        foreach (var obj in objects)
            WriteRow(writer, group, resource, obj, now, include);
        WriteEnd(writer);
    }

    /// <summary>
    /// A one-row Table for a single object (a GET, or the object of a watch event), whose resourceVersion is the
    /// object's own.
    /// </summary>
    public static void WriteObjectTable(Utf8JsonWriter writer, string group, string resource, JsonObject obj,
        DateTimeOffset now, IncludeObject include, bool withColumnDefinitions = true)
    {
        var resourceVersion = obj.Obj("metadata").TextOrNull("resourceVersion");
        WriteStart(writer, group, resource, new TableListMeta(resourceVersion), withColumnDefinitions);
        WriteRow(writer, group, resource, obj, now, include);
        WriteEnd(writer);
    }

    // Opens the row object and writes "cells" and, when there are any, "conditions".
    private static void WriteCells(Utf8JsonWriter writer, string group, string resource, JsonObject obj,
        DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("cells");
        TableConverter.Cells(group, resource, obj, now).WriteTo(writer);

        var conditions = TableConverter.Conditions(group, resource, obj);
        if (conditions.Count == 0)
            return;
        writer.WriteStartArray("conditions");
        foreach (var condition in conditions)
        {
            writer.WriteStartObject();
            writer.WriteString("type", condition.Type);
            writer.WriteString("status", condition.Status);
            if (condition.Reason.Length > 0)
                writer.WriteString("reason", condition.Reason);
            if (condition.Message.Length > 0)
                writer.WriteString("message", condition.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteListMeta(Utf8JsonWriter writer, TableListMeta metadata)
    {
        writer.WriteStartObject("metadata");
        if (!string.IsNullOrEmpty(metadata.ResourceVersion))
            writer.WriteString("resourceVersion", metadata.ResourceVersion);
        if (!string.IsNullOrEmpty(metadata.Continue))
            writer.WriteString("continue", metadata.Continue);
        if (metadata.RemainingItemCount is { } remaining)
            writer.WriteNumber("remainingItemCount", remaining);
        writer.WriteEndObject();
    }

    private static void WritePartialObjectMetadata(Utf8JsonWriter writer, JsonObject? metadata)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "PartialObjectMetadata");
        writer.WriteString("apiVersion", ApiVersion);
        writer.WriteStartObject("metadata");
        foreach (var field in MetadataFields)
        {
            var value = metadata?[field];
            if (value is not null)
            {
                writer.WritePropertyName(field);
                value.WriteTo(writer);
            }
            else if (field == "creationTimestamp")
            {
                // A typed ObjectMeta always writes its creation time, null when unset.
                writer.WriteNull(field);
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
