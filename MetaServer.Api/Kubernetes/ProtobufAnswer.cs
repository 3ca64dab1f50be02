using System.Text.Json;
using MetaServer.Domain.Protobuf;

namespace MetaServer.Api.Kubernetes;

/// <summary>Stored JSON turned into the protobuf answer a client asked for.</summary>
internal static class ProtobufAnswer
{
    private static readonly WireMessage StatusMessage = WireSchema.Default.Find("meta.v1.Status")!;

    /// <summary>An object of the exchange's kind (or a Status, which a pod delete or a write may answer).</summary>
    public static byte[] Object(ProtobufExchange exchange, byte[] json)
    {
        var type = exchange.Type;
        return IsStatus(json)
            ? Status(json)
            : KubeProtobuf.EncodeObject(exchange.Message, type.ApiVersion, type.Kind, json);
    }

    public static byte[] Status(byte[] json) => KubeProtobuf.EncodeObject(StatusMessage, "v1", "Status", json);

    private static bool IsStatus(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        return reader.Read() && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("kind"u8)
            && reader.Read() && reader.ValueTextEquals("Status"u8);
    }
}
