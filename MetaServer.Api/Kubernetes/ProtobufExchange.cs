using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Protobuf;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Set on a request for a kind that has a protobuf form: its message (to read protobuf bodies) and whether the
/// answer is protobuf (negotiated from Accept). Answers, lists and watch streams read it to pick their encoding.
/// </summary>
internal sealed record ProtobufExchange(ResourceType Type, WireMessage Message, bool Answer)
{
    /// <summary>The kind's message, or null when it has none (custom resources, CRDs): those stay JSON.</summary>
    public static WireMessage? MessageOf(ResourceType type) =>
        ResourceCatalog.BuiltIn.Find(type.Group, type.Version, type.Resource) == type
            ? WireSchema.Default.ForKind(type.Group, type.Version, type.Kind)
            : null;

    public static ProtobufExchange? Of(HttpContext http) => http.Features.Get<ProtobufExchange>();

    /// <summary>True when this request's answer is to be protobuf.</summary>
    public static bool Answers(HttpContext http) => Of(http)?.Answer == true;
}
