namespace MetaServer.Domain.Protobuf;

/// <summary>Protobuf bytes that do not decode as the message they claim to be.</summary>
public sealed class ProtobufFormatException(string message) : Exception(message);
