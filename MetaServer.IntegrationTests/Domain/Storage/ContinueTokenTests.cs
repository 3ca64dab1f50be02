using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using MetaServer.Domain.Storage;

namespace MetaServer.IntegrationTests.Domain.Storage;

public sealed class ContinueTokenTests
{
    [Theory]
    [InlineData(1L, "/pods/default/web-0")]
    [InlineData(9_223_372_036_854_775_807L, "/a")]
    [InlineData(42L, "/")]
    [InlineData(42L, "/configmaps/kube-system/name with spaces")]
    [InlineData(7L, "/секреты/ключ/中文")]
    [InlineData(8L, "/quote\"and\\backslash/<tag>&+")]
    [InlineData(9L, "/pods/default/..hidden/a..b")]
    public void Encoded_token_decodes_to_the_same_position(long resourceVersion, string key)
    {
        var token = new ContinueToken(resourceVersion, key);

        var text = token.Encode();

        Assert.Matches("^[A-Za-z0-9_-]+$", text);
        Assert.True(ContinueToken.TryDecode(text, out var decoded, out var error), error);
        Assert.Null(error);
        Assert.Equal(token, decoded);
    }

    [Fact]
    public void Encoded_token_has_the_apiserver_shape()
    {
        var text = new ContinueToken(1842, "/pods/shop/web-0").Encode();

        using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
        var root = json.RootElement;
        Assert.Equal("meta.k8s.io/v1", root.GetProperty("v").GetString());
        Assert.Equal(1842, root.GetProperty("rv").GetInt64());
        Assert.Equal("/pods/shop/web-0", root.GetProperty("start").GetString());
        Assert.Equal(3, root.EnumerateObject().Count());
    }

    [Theory]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/pods/shop/web-0"}""", 5L, "/pods/shop/web-0")]
    [InlineData("""{ "start" : "/x" , "rv" : 3 , "v" : "meta.k8s.io/v1" }""", 3L, "/x")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":3,"start":"/x","next":[1,{"a":null}],"z":"w"}""", 3L, "/x")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":3,"start":"\/pods\u002fa"}""", 3L, "/pods/a")]
    public void Token_written_by_another_encoder_is_read(string json, long resourceVersion, string key)
    {
        Assert.True(ContinueToken.TryDecode(Encode(json), out var token, out var error), error);

        Assert.Equal(new ContinueToken(resourceVersion, key), token);
    }

    [Theory]
    [InlineData("""{"v":"meta.k8s.io/v2","rv":5,"start":"/a"}""", "server does not recognize this encoded version \"meta.k8s.io/v2\"")]
    [InlineData("""{"rv":5,"start":"/a"}""", "server does not recognize this encoded version \"\"")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":-1,"start":"/a"}""", "incorrect encoded start resourceVersion -1")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":0,"start":"/a"}""", "incorrect encoded start resourceVersion 0")]
    [InlineData("""{"v":"meta.k8s.io/v1","start":"/a"}""", "incorrect encoded start resourceVersion 0")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5}""", "encoded start key empty")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":""}""", "encoded start key empty")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"pods/a"}""", "start key \"pods/a\" does not begin with '/'")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/pods/../secrets/a"}""", "contains a '.' or '..' segment")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/pods/.."}""", "contains a '.' or '..' segment")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/.."}""", "contains a '.' or '..' segment")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/pods/./a"}""", "contains a '.' or '..' segment")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":"5","start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":1.5,"start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":1e3,"start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":99999999999999999999,"start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":null,"rv":5,"start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":["/a"]}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/a"} x""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/a"}{}""", "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1","rv":5,"start":"/a" """, "does not hold the expected JSON object")]
    [InlineData("""{"v":"meta.k8s.io/v1",/*c*/"rv":5,"start":"/a"}""", "does not hold the expected JSON object")]
    [InlineData("""["meta.k8s.io/v1",5,"/a"]""", "does not hold the expected JSON object")]
    [InlineData("not json at all", "does not hold the expected JSON object")]
    public void Tampered_token_is_rejected(string json, string reason)
    {
        AssertRejected(Encode(json), reason);
    }

    [Theory]
    [InlineData(null, "the token is empty")]
    [InlineData("", "the token is empty")]
    [InlineData("!!!!", "not unpadded base64url")]
    [InlineData("eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==", "not unpadded base64url")]
    [InlineData("eyJ2Ijo+bWV0YS5rOHMuaW8vdjEifQ", "not unpadded base64url")]
    [InlineData("eyJ2Ijo/bWV0YS5rOHMuaW8vdjEifQ", "not unpadded base64url")]
    [InlineData(" eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "not unpadded base64url")]
    [InlineData("eyJ2I", "not unpadded base64url")]
    public void Text_that_is_not_base64url_is_rejected(string? text, string reason)
    {
        AssertRejected(text, reason);
    }

    [Fact]
    public void Over_long_token_is_rejected_before_decoding()
    {
        AssertRejected(new string('A', 8193), "longer than 8192 characters");
    }

    [Fact]
    public void Every_truncation_of_a_valid_token_is_rejected()
    {
        var text = new ContinueToken(1842, "/pods/shop/web-0").Encode();

        for (var length = 1; length < text.Length; length++)
            Assert.False(ContinueToken.TryDecode(text[..length], out _, out _), $"accepted the first {length} characters");
    }

    private static void AssertRejected(string? text, string reason)
    {
        Assert.False(ContinueToken.TryDecode(text, out var token, out var error));

        Assert.Equal(default, token);
        Assert.StartsWith("continue key is not valid: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
