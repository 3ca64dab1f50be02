using System.Text.Json.Nodes;
using MetaServer.Api.Bus;
using MetaServer.Domain.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaServer.IntegrationTests.Bus;

/// <summary>The in-process bus: delivery to a module and a group, send-and-wait, bounded queues, shutdown.</summary>
public sealed class MessageBusTests
{
    private static MessageBus NewBus(int capacity = 16) =>
        new(new BusOptions { QueueCapacity = capacity }, NullLogger<MessageBus>.Instance);

    private static Message Insert(string name) =>
        Message.Create(Sources.EdgeController, GroupNames.Resource, Operations.Insert, $"default/pod/{name}", JsonValue.Create(name));

    [Fact]
    public async Task A_message_sent_to_a_module_arrives_in_its_inbox_in_order()
    {
        var bus = NewBus();
        var meta = bus.Register(ModuleNames.MetaManager, GroupNames.Meta);

        Assert.True(await bus.SendAsync(ModuleNames.MetaManager, Insert("a")));
        Assert.True(await bus.SendAsync(ModuleNames.MetaManager, Insert("b")));

        Assert.Equal("default/pod/a", (await meta.Inbox.ReadAsync()).Route.Resource);
        Assert.Equal("default/pod/b", (await meta.Inbox.ReadAsync()).Route.Resource);
    }

    [Fact]
    public async Task A_message_to_a_group_reaches_every_module_in_it_and_no_other()
    {
        var bus = NewBus();
        var one = bus.Register("one", "g");
        var two = bus.Register("two", "g");
        var other = bus.Register("three", "h");

        Assert.Equal(2, await bus.SendToGroupAsync("g", Insert("x")));

        Assert.True(one.Inbox.TryRead(out _));
        Assert.True(two.Inbox.TryRead(out _));
        Assert.False(other.Inbox.TryRead(out _));
    }

    [Fact]
    public async Task Send_and_wait_gets_the_answer_whose_parent_is_the_request()
    {
        var bus = NewBus();
        var agent = bus.Register(ModuleNames.Edged, GroupNames.Edged);
        var responder = Task.Run(async () =>
        {
            var request = await agent.Inbox.ReadAsync();
            Assert.True(request.Header.Sync);
            await bus.SendAsync(ModuleNames.MetaManager, Insert("unrelated")); // no such module: not the answer
            bus.SendResponse(request.Response(JsonValue.Create(Message.Ok)));
        });

        var answer = await bus.SendSyncAsync(ModuleNames.Edged, Insert("p"), TimeSpan.FromSeconds(10));

        await responder;
        Assert.Equal(Operations.Response, answer.Route.Operation);
        Assert.True(answer.ContentIsOk());
    }

    [Fact]
    public async Task Send_and_wait_times_out_when_nobody_answers_and_a_late_answer_is_not_claimed()
    {
        var bus = NewBus();
        var agent = bus.Register(ModuleNames.Edged, GroupNames.Edged);

        await Assert.ThrowsAsync<TimeoutException>(() => bus.SendSyncAsync(ModuleNames.Edged, Insert("slow"), TimeSpan.FromMilliseconds(100)));

        var request = await agent.Inbox.ReadAsync();
        Assert.False(bus.SendResponse(request.Response(JsonValue.Create(Message.Ok))));
    }

    [Fact]
    public async Task A_full_module_makes_its_sender_wait_until_it_reads()
    {
        var bus = NewBus(capacity: 2);
        var slow = bus.Register("slow", "g");
        await bus.SendAsync("slow", Insert("1"));
        await bus.SendAsync("slow", Insert("2"));

        var third = bus.SendAsync("slow", Insert("3")).AsTask();
        await Task.Delay(100);
        Assert.False(third.IsCompleted);

        await slow.Inbox.ReadAsync();
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Unknown_modules_and_a_closed_bus_refuse_and_waiting_callers_are_released()
    {
        var bus = NewBus();
        var agent = bus.Register(ModuleNames.Edged, GroupNames.Edged);
        Assert.False(await bus.SendAsync("nobody", Insert("x")));
        Assert.Throws<InvalidOperationException>(() => bus.Register(ModuleNames.Edged, GroupNames.Edged));

        var waiting = bus.SendSyncAsync(ModuleNames.Edged, Insert("w"), TimeSpan.FromSeconds(30));
        await agent.Inbox.ReadAsync();
        bus.Close();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(await bus.SendAsync(ModuleNames.Edged, Insert("late")));
        Assert.False(await agent.Inbox.WaitToReadAsync());
    }
}
