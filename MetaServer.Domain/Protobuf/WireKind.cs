namespace MetaServer.Domain.Protobuf;

/// <summary>How a field's value is carried on the wire and written in JSON.</summary>
public enum WireKind
{
    String,
    Int32,
    Int64,
    Bool,

    /// <summary>Bytes on the wire, base64 in JSON (secret data).</summary>
    Bytes,

    /// <summary>A nested message, a JSON object.</summary>
    Message,

    /// <summary>meta.v1.Time: seconds on the wire, RFC 3339 to the second in JSON.</summary>
    Time,

    /// <summary>meta.v1.MicroTime: seconds and nanos on the wire, RFC 3339 with six fractional digits in JSON.</summary>
    MicroTime,

    /// <summary>resource.Quantity: its string form in field 1.</summary>
    Quantity,

    /// <summary>intstr.IntOrString: type, intVal, strVal on the wire; a number or a string in JSON.</summary>
    IntOrString,

    /// <summary>runtime.RawExtension and meta.v1.FieldsV1: JSON text carried as bytes in field 1.</summary>
    RawJson,
}
