using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class RemoteAnswerTests
{
    [Theory]
    [InlineData("\"OK\"", false, null)]
    [InlineData("{\"Object\":{\"metadata\":{\"name\":\"web\"}},\"Err\":null}", true, "{\"metadata\":{\"name\":\"web\"}}")]
    [InlineData("{\"Object\":null,\"Err\":{}}", false, null)]
    [InlineData("{\"Object\":{\"metadata\":{\"name\":\"web\"}},\"Err\":{}}", false, null)]
    [InlineData("{\"Object\":{\"metadata\":{\"name\":\"web\"}}}", true, "{\"Object\":{\"metadata\":{\"name\":\"web\"}}}")]
    [InlineData("{\"metadata\":{\"name\":\"cfg\"},\"data\":{}}", true, "{\"metadata\":{\"name\":\"cfg\"},\"data\":{}}")]
    [InlineData("[\"{\\\"metadata\\\":{}}\"]", true, "[\"{\\\"metadata\\\":{}}\"]")]
    [InlineData("\"not found\"", true, "\"not found\"")]
    [InlineData("null", true, "null")]
    public void Cloud_answer_is_stored_unless_it_is_OK_or_a_failed_object_answer(string content, bool store, string? stored)
    {
        var answer = RemoteAnswer.Interpret(new Message { Content = JsonNode.Parse(content) });

        Assert.Equal(store, answer.Store);
        Assert.Equal(stored, answer.Store ? answer.Content?.ToJsonString(MessageJson.Wire.Options) ?? "null" : null);
    }
}
