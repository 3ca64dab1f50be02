using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace MetaServer.Api.Bus;

/// <summary>
/// Creates the bus socket's file so that nobody but the intended users can ever connect to it, and removes it.
/// </summary>
internal static class SocketFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAndGroup = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>The longest path a Unix socket can have on Linux (sun_path holds 108 bytes with the NUL).</summary>
    public const int MaxPathBytes = 107;

    /// <summary>What the staging path adds to the directory: "/.em", 16 hex digits, "/s".</summary>
    public const int StagingBytes = 22;

    /// <summary>
    /// Binds and listens on <paramref name="path"/>, replacing a stale socket file left by a previous run.
    /// </summary>
    /// <remarks>
    /// bind() creates the file with the process umask, so setting the mode afterwards leaves a moment in which
    /// another user could connect, and a connection outlives a later chmod. The socket is therefore bound in a fresh
    /// directory only this user can enter, given its mode (and group) there, and only then renamed into place:
    /// the name others can reach appears with its final permissions. A rename keeps the listening socket.
    /// </remarks>
    [UnsupportedOSPlatform("windows")]
    public static Socket Bind(string path, string? group)
    {
        var directory = Path.GetDirectoryName(path)!;
        // 64 random bits: nobody can create the directory first and make us bind in a place they control.
        var staging = Path.Combine(directory, $".em{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        if (Directory.Exists(staging))
            throw new IOException($"{staging} exists already");
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var staged = Path.Combine(staging, "s");
            listener.Bind(new UnixDomainSocketEndPoint(staged));
            if (string.IsNullOrEmpty(group))
            {
                File.SetUnixFileMode(staged, OwnerOnly);
            }
            else
            {
                ChangeGroup(staged, GroupId(group) ?? throw new InvalidOperationException($"no group {group}"));
                File.SetUnixFileMode(staged, OwnerAndGroup);
            }

            listener.Listen();
            // Whatever is at the path is a previous run's socket (the settings check that it is no directory).
            File.Move(staged, path, overwrite: true);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Removes the socket file; a file already gone is fine.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Removed meanwhile or in use by nobody we can help: the next start replaces it anyway.
        }
    }

    /// <summary>
    /// A group id from a numeric id or a name in /etc/group; null if neither. Groups known only through other name
    /// services (LDAP, sssd) must be given by number: reading them needs libc's getgrnam, which is not worth a
    /// struct-marshalling P/Invoke here.
    /// </summary>
    public static int? GroupId(string group)
    {
        if (int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return id;
        if (!File.Exists("/etc/group"))
            return null;
        foreach (var line in File.ReadLines("/etc/group"))
        {
            // name:password:gid:members
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out id))
                return id;
        }

        return null;
    }

    /// <summary>.NET can set a file's mode but not its group, hence libc's chown (owner -1: unchanged).</summary>
    private static void ChangeGroup(string path, int groupId)
    {
        var nulTerminated = Encoding.UTF8.GetBytes(path + '\0');
        if (Chown(nulTerminated, -1, groupId) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot give the bus socket group {groupId} (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}); the server's user must belong to it");
        }
    }

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(byte[] path, int owner, int group);
}
