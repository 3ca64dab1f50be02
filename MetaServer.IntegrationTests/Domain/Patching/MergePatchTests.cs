using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Patching;

namespace MetaServer.IntegrationTests.Domain.Patching;

public sealed class MergePatchTests
{
    // RFC 7386 appendix A
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Patches_merge_as_RFC_7386_says(string target, string patch, string expected)
    {
        var result = MergePatch.Apply(JsonNode.Parse(target), Encoding.UTF8.GetBytes(patch));

        Assert.Null(result.Error);
        Assert.True(JsonValueEquality.AreEqual(JsonNode.Parse(expected), result.Result), result.Result?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Invalid_json_is_an_error_not_an_exception()
    {
        var result = MergePatch.Apply(JsonNode.Parse("{}"), "{nope"u8);

        Assert.Contains("not valid JSON", result.Error);
    }

    [Fact]
    public void The_target_is_not_changed()
    {
        var target = JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}}}""");

        MergePatch.Apply(target, """{"metadata":{"labels":{"a":null,"b":"2"}}}"""u8);

        Assert.Equal("""{"metadata":{"labels":{"a":"1"}}}""", target!.ToJsonString());
    }

    [Theory]
    [InlineData("1", "1.0", true)]
    [InlineData("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", true)]
    [InlineData("[1,2]", "[2,1]", false)]
    [InlineData("\"1\"", "1", false)]
    [InlineData("null", "false", false)]
    public void Json_values_compare_by_meaning(string a, string b, bool equal)
    {
        Assert.Equal(equal, JsonValueEquality.AreEqual(JsonNode.Parse(a), JsonNode.Parse(b)));
    }
}
