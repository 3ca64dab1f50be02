using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class NodeConnectionTests
{
    [Theory]
    [InlineData(true, "cloud_connected")]
    [InlineData(false, "cloud_disconnected")]
    public void Broadcast_is_written_as_the_hub_writes_it(bool connected, string content)
    {
        var message = NodeConnection.Broadcast(connected, GroupNames.Meta, new FixedClock());

        var json = JsonNode.Parse(Encoding.UTF8.GetString(MessageJson.ToUtf8Bytes(message)))!;
        Assert.Equal(
            $$"""{"source":"edgehub","group":"meta","operation":"connect","resource":"node/connection"}""",
            json["route"]!.ToJsonString());
        Assert.Equal(content, (string?)json["content"]);
        Assert.Equal(FixedClock.InstantMilliseconds, (long)json["header"]!["timestamp"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Broadcast_reads_back_its_state(bool connected)
    {
        Assert.True(NodeConnection.TryRead(NodeConnection.Broadcast(connected, GroupNames.Twin), out var read));

        Assert.Equal(connected, read);
    }

    [Theory]
    [InlineData("connect", "\"Cloud_Connected\"")]
    [InlineData("connect", "\"connected\"")]
    [InlineData("connect", "{\"state\":\"cloud_connected\"}")]
    [InlineData("connect", "null")]
    [InlineData("update", "\"cloud_connected\"")]
    public void Message_that_is_not_a_known_connection_state_is_not_read(string operation, string content)
    {
        var message = new Message { Route = new MessageRoute { Operation = operation }, Content = JsonNode.Parse(content) };

        Assert.False(NodeConnection.TryRead(message, out _));
    }
}
