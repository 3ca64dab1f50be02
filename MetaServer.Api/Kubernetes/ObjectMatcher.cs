using System.Text.Json;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Selection;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Applies a list's selectors to stored rows using the labels and fields extracted at write time, so the
/// object itself is never parsed to decide whether it is listed; with no selector nothing is read at all.
/// </summary>
internal sealed class ObjectMatcher(LabelSelector labels, FieldSelector fields)
{
    public ObjectMatcher(ListOptions options)
        : this(options.Labels, options.Fields)
    {
    }

    private static readonly Dictionary<string, string> NoValues = [];

    public bool Matches(ObjectCursor cursor) =>
        (labels.IsEmpty || labels.Matches(ToMap(cursor.Labels)))
        && (fields.IsEmpty || fields.Matches(ToMap(cursor.Fields)));

    /// <summary>A flat JSON object of strings (as the writer stores labels and fields) as a dictionary.</summary>
    public static Dictionary<string, string> ToMap(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return NoValues;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                map[key] = reader.GetString() ?? "";
            }
        }

        return map;
    }
}
