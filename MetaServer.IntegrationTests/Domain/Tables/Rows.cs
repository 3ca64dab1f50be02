using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Tables;

namespace MetaServer.IntegrationTests.Domain.Tables;

/// <summary>Shared clock and shorthand for the table tests: cells are compared as compact JSON.</summary>
internal static class Rows
{
    /// <summary>The instant every test measures ages at.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An RFC 3339 timestamp the given time before <see cref="Now"/>.</summary>
    public static string Ago(TimeSpan before) => (Now - before).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    // Readable expectations: "<none>" rather than the escaped form the writer sends on the wire.
    public static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string CellsOf(string group, string resource, string json) =>
        TableConverter.Cells(group, resource, Parse(json), Now).ToJsonString(Readable);
}
