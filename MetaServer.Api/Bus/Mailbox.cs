using System.Threading.Channels;
using MetaServer.Domain.Messages;

namespace MetaServer.Api.Bus;

/// <summary>A module's registration on the bus: its name, its group and the bounded queue it reads its messages from.</summary>
internal sealed class Mailbox
{
    private readonly Channel<Message> _queue;

    public Mailbox(string module, string group, int capacity)
    {
        Module = module;
        Group = group;
        _queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Module { get; }

    public string Group { get; }

    /// <summary>What the module reads; it completes when the bus shuts down.</summary>
    public ChannelReader<Message> Inbox => _queue.Reader;

    internal ChannelWriter<Message> Writer => _queue.Writer;
}
