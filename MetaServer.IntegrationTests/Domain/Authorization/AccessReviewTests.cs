using System.Text;
using MetaServer.Domain.Authorization;

namespace MetaServer.IntegrationTests.Domain.Authorization;

/// <summary>SelfSubjectAccessReview bodies as kubectl (protobuf) and other clients (JSON) send them.</summary>
public sealed class AccessReviewTests
{
    [Fact]
    public void Json_resource_attributes_are_read()
    {
        var review = AccessReview.Parse("""{"spec":{"resourceAttributes":{"namespace":"default","verb":"patch","resource":"pods","subresource":"status","name":"web"}}}"""u8);
        Assert.Equal(new AccessReview(true, "patch", "", "", "pods", "status", "default", "web"), review);
    }

    [Fact]
    public void Protobuf_envelope_is_read_as_kubectl_sends_it()
    {
        // runtime.Unknown{typeMeta{apiVersion, kind}, raw=SelfSubjectAccessReview{metadata{}, spec{resourceAttributes{...}}}}
        var attributes = Concat(Str(1, "default"), Str(2, "list"), Str(3, ""), Str(4, ""), Str(5, "pods"), Str(6, ""), Str(7, ""));
        var spec = Message(1, attributes);
        var review = Concat(Message(1, []), Message(2, spec), Message(3, Concat([0x08, 0x00])));
        var typeMeta = Concat(Str(1, "authorization.k8s.io/v1"), Str(2, "SelfSubjectAccessReview"));
        var body = Concat("k8s\0"u8.ToArray(), Message(1, typeMeta), Message(2, review), Str(3, ""), Str(4, ""));

        Assert.Equal(new AccessReview(true, "list", Resource: "pods", Namespace: "default"), AccessReview.Parse(body));
    }

    [Fact]
    public void Protobuf_non_resource_attributes_are_read()
    {
        var spec = Message(2, Concat(Str(1, "/healthz"), Str(2, "get")));
        var body = Concat("k8s\0"u8.ToArray(), Message(2, Message(2, spec)));
        Assert.Equal(new AccessReview(false, "get", Path: "/healthz"), AccessReview.Parse(body));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"spec":{}}""")]
    [InlineData("not json")]
    public void A_body_without_attributes_is_not_a_review(string body) =>
        Assert.Null(AccessReview.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void A_truncated_protobuf_body_is_not_a_review()
    {
        var body = Concat("k8s\0"u8.ToArray(), [0x12, 0x40, 0x12]);
        Assert.Null(AccessReview.Parse(body));
    }

    private static byte[] Str(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Message(int field, byte[] value) => Concat([(byte)((field << 3) | 2), (byte)value.Length], value);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
