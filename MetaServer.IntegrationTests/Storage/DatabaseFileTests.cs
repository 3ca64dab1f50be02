using System.Net;
using Dapper;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>The operator's view of the database file: checked at start, and backed up while the server runs.</summary>
public sealed class DatabaseFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_damaged_database_file_stops_start_up_with_a_message_naming_it()
    {
        var database = Path.Combine(_folder.Path, "edgemeta.db");
        await using (var server = new EdgeMetaServer(databasePath: database))
        {
            using var client = server.CreateClient();
            for (var i = 0; i < 40; i++)
            {
                var (code, _) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps",
                    $$$"""{"metadata":{"name":"c{{{i}}}"},"data":{"k":"{{{new string('v', 200)}}}"}}""");
                Assert.Equal(HttpStatusCode.Created, code);
            }
        }

        // A copy of the file with every page after the first (the header and schema) overwritten in places.
        var damaged = Path.Combine(_folder.Path, "damaged.db");
        var bytes = await File.ReadAllBytesAsync(database);
        for (var i = 4096; i < bytes.Length; i += 7)
        {
            bytes[i] = 0x5a;
        }

        await File.WriteAllBytesAsync(damaged, bytes);

        var (exitCode, output) = await ServerProcess.RunToExitAsync(damaged);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"The database file {damaged} is damaged", output);
        Assert.Contains("restore it from a backup", output);
    }

    [Fact]
    public async Task The_backup_verb_copies_a_live_database_that_passes_an_integrity_check()
    {
        var database = Path.Combine(_folder.Path, "edgemeta.db");
        var backup = Path.Combine(_folder.Path, "backup", "edgemeta-backup.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        await using var server = await ServerProcess.StartAsync(database);
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 20; i++)
        {
            var (code, _) = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"kept-{{{i}}}"},"data":{"n":"{{{i}}}"}}""");
            Assert.Equal(HttpStatusCode.Created, code);
        }

        // The server keeps writing while the backup runs: the copy is one consistent snapshot all the same.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"during-{{{n}}}"}}""");
            }
        });
        var (exitCode, output) = await ServerProcess.RunToExitAsync(database, "backup", $"--to={backup}");
        await stop.CancelAsync();
        await writer;

        Assert.True(exitCode == 0, output);
        Assert.Contains("integrity ok", output);
        await using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        Assert.Equal("ok", await copy.QuerySingleAsync<string>("PRAGMA integrity_check"));
        var kept = (await copy.QueryAsync<string>("SELECT name FROM meta_v2 WHERE name LIKE 'kept-%'")).ToHashSet();
        Assert.Equal(20, kept.Count);
        Assert.False(File.Exists(backup + "-wal"));

        // A second backup to the same file is refused rather than overwriting it.
        var (again, refusal) = await ServerProcess.RunToExitAsync(database, "backup", $"--to={backup}");
        Assert.NotEqual(0, again);
        Assert.Contains("exists", refusal);
    }
}
