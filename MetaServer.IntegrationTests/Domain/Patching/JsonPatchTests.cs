using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Patching;

namespace MetaServer.IntegrationTests.Domain.Patching;

public sealed class JsonPatchTests
{
    // target, patch, expected (RFC 6902 appendix A and friends)
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":"end"}]""", """{"foo":["bar","end"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2.0}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"a/b":1,"m~n":2}""", """[{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}]""", """{"a/b":3}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"","value":[1]}]""", """[1]""")]
    [InlineData("""{"x":{"y":1}}""", """[{"op":"test","path":"/x","value":{"y":1}}]""", """{"x":{"y":1}}""")]
    public void Operations_apply_as_RFC_6902_says(string target, string patch, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(target)!, Encoding.UTF8.GetBytes(patch));

        Assert.Null(result.Error);
        Assert.True(JsonValueEquality.AreEqual(JsonNode.Parse(expected), result.Result), result.Result?.ToJsonString());
    }

    [Theory]
    [InlineData("""{"foo":"bar"}""", """{"op":"add"}""", "array")]
    [InlineData("""{"foo":"bar"}""", """[{"path":"/x","value":1}]""", "op")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","value":1}]""", "path")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"jump","path":"/x"}]""", "unknown op")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/x"}]""", "value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", "baz")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", "baz")]
    [InlineData("""{"foo":["a"]}""", """[{"op":"add","path":"/foo/5","value":"x"}]""", "out of range")]
    [InlineData("""{"foo":["a","b"]}""", """[{"op":"remove","path":"/foo/01"}]""", "out of range")]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", "test failed")]
    [InlineData("""{"a":{"b":{}}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""", "own children")]
    [InlineData("""{"a":1}""", """[{"op":"copy","path":"/b"}]""", "from")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"a","value":2}]""", "pointer")]
    [InlineData("""{"a":1}""", "[{oops", "not valid JSON")]
    public void Bad_patches_fail_with_a_reason(string target, string patch, string reason)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(target)!, Encoding.UTF8.GetBytes(patch));

        Assert.Null(result.Result);
        Assert.Contains(reason, result.Error);
    }

    [Fact]
    public void A_failing_patch_leaves_the_target_untouched()
    {
        var target = JsonNode.Parse("""{"a":1,"b":2}""")!;

        var result = JsonPatch.Apply(target, """[{"op":"remove","path":"/a"},{"op":"remove","path":"/zzz"}]"""u8);

        Assert.NotNull(result.Error);
        Assert.Equal("""{"a":1,"b":2}""", target.ToJsonString());
    }

    [Fact]
    public void A_successful_patch_does_not_change_the_target_either()
    {
        var target = JsonNode.Parse("""{"a":1}""")!;

        var result = JsonPatch.Apply(target, """[{"op":"replace","path":"/a","value":2}]"""u8);

        Assert.Equal("""{"a":2}""", result.Result!.ToJsonString());
        Assert.Equal("""{"a":1}""", target.ToJsonString());
    }
}
