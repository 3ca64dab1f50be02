using System.Text;
using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class MessageTests
{
    private const string GoUuid = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

    private static readonly Message Request = new()
    {
        Header = new MessageHeader
        {
            Id = "request-id",
            ParentId = "grandparent-id",
            Timestamp = 1,
            ResourceVersion = "42",
            Sync = true,
            Type = "unixsocket",
        },
        Route = new MessageRoute
        {
            Source = ModuleNames.Edged,
            Destination = ModuleNames.MetaManager,
            Group = GroupNames.Meta,
            Operation = Operations.Query,
            Resource = "default/configmap/app",
        },
        Content = new JsonObject { ["k"] = "v" },
    };

    [Fact]
    public void Created_message_has_a_fresh_uuid_and_the_clock_time_in_milliseconds()
    {
        var content = new JsonObject { ["a"] = 1 };

        var message = Message.Create(Sources.EdgeController, GroupNames.Resource, Operations.Insert, "default/pod/web", content, new FixedClock());
        var other = Message.Create(Sources.EdgeController, GroupNames.Resource, Operations.Insert, "default/pod/web", content, new FixedClock());

        Assert.Matches(GoUuid, message.Header.Id);
        Assert.NotEqual(message.Header.Id, other.Header.Id);
        Assert.Equal(FixedClock.InstantMilliseconds, message.Header.Timestamp);
        Assert.Null(message.Header.ParentId);
        Assert.False(message.Header.Sync);
        Assert.Equal(
            new MessageRoute { Source = Sources.EdgeController, Group = GroupNames.Resource, Operation = Operations.Insert, Resource = "default/pod/web" },
            message.Route);
        Assert.Same(content, message.Content);
    }

    [Fact]
    public void Response_answers_the_request_id_and_copies_source_group_resource_and_type_without_swapping()
    {
        var response = Request.Response(Message.Ok, new FixedClock());

        Assert.Matches(GoUuid, response.Header.Id);
        Assert.Equal("request-id", response.Header.ParentId);
        Assert.Equal(FixedClock.InstantMilliseconds, response.Header.Timestamp);
        Assert.Equal("unixsocket", response.Header.Type);
        Assert.Null(response.Header.ResourceVersion);
        Assert.False(response.Header.Sync);
        Assert.Equal(
            new MessageRoute { Source = ModuleNames.Edged, Group = GroupNames.Meta, Operation = Operations.Response, Resource = "default/configmap/app" },
            response.Route);
        Assert.True(response.ContentIsOk());
    }

    [Fact]
    public void Error_answers_the_request_id_with_the_text_from_the_metamanager()
    {
        var error = Request.Error("cannot reach the cloud: not connected", clock: new FixedClock());

        Assert.Matches(GoUuid, error.Header.Id);
        Assert.Equal("request-id", error.Header.ParentId);
        Assert.Equal(FixedClock.InstantMilliseconds, error.Header.Timestamp);
        Assert.Null(error.Header.Type);
        Assert.False(error.Header.Sync);
        Assert.Equal(
            new MessageRoute { Source = ModuleNames.MetaManager, Group = GroupNames.Meta, Operation = Operations.Error, Resource = "default/configmap/app" },
            error.Route);
        Assert.Equal("cannot reach the cloud: not connected", error.ContentText());
    }

    [Fact]
    public void Error_can_name_another_sender()
    {
        Assert.Equal(ModuleNames.EdgeHub, Request.Error("x", ModuleNames.EdgeHub).Route.Source);
    }

    [Theory]
    [InlineData("\"OK\"", true)]
    [InlineData("\"ok\"", false)]
    [InlineData("\"OK \"", false)]
    [InlineData("[\"OK\"]", false)]
    [InlineData("{\"OK\":true}", false)]
    [InlineData("null", false)]
    public void Only_the_string_OK_is_an_OK_answer(string content, bool ok)
    {
        Assert.Equal(ok, new Message { Content = JsonNode.Parse(content) }.ContentIsOk());
    }

    [Theory]
    [InlineData("\"plain text\"", "plain text")]
    [InlineData("\"{\\\"spec\\\":{\\\"replicas\\\":2}}\"", "{\"spec\":{\"replicas\":2}}")]
    [InlineData("{\"metadata\":{\"name\":\"é\"},\"n\":1.50}", "{\"metadata\":{\"name\":\"é\"},\"n\":1.50}")]
    [InlineData("[\"{}\",\"{}\"]", "[\"{}\",\"{}\"]")]
    [InlineData("7", "7")]
    [InlineData("null", "null")]
    public void Content_bytes_are_a_string_content_itself_or_the_JSON_of_anything_else(string content, string bytes)
    {
        var message = new Message { Content = JsonNode.Parse(content) };

        Assert.Equal(bytes, Encoding.UTF8.GetString(message.ContentBytes()));
    }

    [Fact]
    public void Content_bytes_of_a_string_built_in_code_are_its_text()
    {
        var message = new Message { Content = "{\"a\":1}" };

        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(message.ContentBytes()));
    }
}
