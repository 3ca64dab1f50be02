using System.Text;
using MetaServer.Domain.Messages;

namespace MetaServer.Api.Bus;

/// <summary>
/// Settings of the Unix socket that makes the bus reachable from another process on the node (keys in section
/// "Bus", next to <see cref="BusOptions"/>). Off unless <see cref="SocketPath"/> is set.
/// </summary>
public sealed class SocketOptions
{
    /// <summary>Where the socket is created; empty (the default) leaves the socket off. Its directory must exist.</summary>
    public string? SocketPath { get; set; }

    /// <summary>
    /// Empty (the default): only the server's user may connect (mode 0600). A group name (from /etc/group) or a
    /// numeric group id: the socket is given that group and mode 0660, so members of the group may connect too.
    /// The server's user must be a member of it (or root) to hand the socket to it.
    /// </summary>
    public string? SocketGroup { get; set; }

    /// <summary>The module the connected peer is on the bus, in group <c>edged</c>; what the bus queues for it is
    /// written to the peer.</summary>
    public string SocketModule { get; set; } = ModuleNames.Edged;

    /// <summary>The module the peer's messages are delivered to (answers to a waiting sender go to that sender).</summary>
    public string SocketTarget { get; set; } = ModuleNames.MetaManager;

    /// <summary>The largest message (JSON bytes of one frame) read from a peer; a bigger frame closes its connection.</summary>
    public int SocketMaxFrameSize { get; set; } = SocketFraming.DefaultMaxFrameSize;

    internal bool Enabled => !string.IsNullOrEmpty(SocketPath);

    internal string? Validate()
    {
        if (SocketMaxFrameSize < 1024)
            return "Bus:SocketMaxFrameSize must be at least 1024 bytes";
        if (string.IsNullOrWhiteSpace(SocketModule))
            return "Bus:SocketModule must not be empty";
        if (string.IsNullOrWhiteSpace(SocketTarget))
            return "Bus:SocketTarget must not be empty";
        if (SocketModule == SocketTarget)
            return "Bus:SocketTarget must differ from Bus:SocketModule (the peer's messages would come back to it)";
        if (!Enabled)
            return null;

        var path = Path.GetFullPath(SocketPath!);
        var directory = Path.GetDirectoryName(path)!;
        if (Encoding.UTF8.GetByteCount(path) > SocketFile.MaxPathBytes)
            return $"Bus:SocketPath must be at most {SocketFile.MaxPathBytes} bytes long as a full path (a limit of Unix sockets): {path}";
        // The socket is first bound in a private directory beside it (SocketFile.Bind), whose path is longer.
        if (Encoding.UTF8.GetByteCount(directory) > SocketFile.MaxPathBytes - SocketFile.StagingBytes)
            return $"Bus:SocketPath's directory must be at most {SocketFile.MaxPathBytes - SocketFile.StagingBytes} bytes long: {directory}";
        if (Directory.Exists(path))
            return $"Bus:SocketPath names a directory: {path}";
        if (!Directory.Exists(directory))
            return $"Bus:SocketPath's directory does not exist: {directory}";
        if (!string.IsNullOrEmpty(SocketGroup) && SocketFile.GroupId(SocketGroup) is null)
            return $"Bus:SocketGroup names no group in /etc/group and is not a numeric group id: {SocketGroup}";
        return null;
    }
}
