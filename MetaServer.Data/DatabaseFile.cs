using Dapper;
using Microsoft.Data.Sqlite;

namespace MetaServer.Data;

/// <summary>Checks of the SQLite file and its online backup: what an operator runs on the file as a whole.</summary>
public static class DatabaseFile
{
    // quick_check is integrity_check without the index-content cross-check: O(N), fast enough for every start.
    private const string QuickCheck = "PRAGMA quick_check";
    private const string IntegrityCheck = "PRAGMA integrity_check";

    // SQLITE_CORRUPT and SQLITE_NOTADB: the file is not (or no longer) a database.
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>Runs <c>PRAGMA quick_check</c> on an open connection; a damaged file throws <see cref="StoreDamagedException"/>.</summary>
    public static void Check(SqliteConnection connection, string path) => Run(connection, path, QuickCheck);

    /// <summary>The full <c>PRAGMA integrity_check</c> of a file: "ok" or the problems found, one a line.</summary>
    public static string Verify(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return string.Join('\n', connection.Query<string>(IntegrityCheck));
    }

    /// <summary>True when an exception from SQLite means the file itself is damaged.</summary>
    public static bool IsDamage(SqliteException exception) => exception.SqliteErrorCode is Corrupt or NotADatabase;

    /// <summary>
    /// Copies the database at <paramref name="sourcePath"/> to <paramref name="targetPath"/> with SQLite's backup API,
    /// while a server may be writing to it (WAL: the copy is one consistent snapshot and writers are not blocked).
    /// The copy is written beside the target and renamed into place only when complete. An existing target is refused.
    /// </summary>
    public static void Backup(string sourcePath, string targetPath)
    {
        if (!File.Exists(sourcePath))
        {
            throw new FileNotFoundException($"there is no database at {sourcePath}", sourcePath);
        }

        if (File.Exists(targetPath))
        {
            throw new IOException($"{targetPath} exists; choose a new file for the backup");
        }

        var partial = targetPath + ".partial";
        File.Delete(partial);
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sourcePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString()))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = partial,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
            // A backup is one self-contained file: no -wal beside it.
            target.Execute("PRAGMA journal_mode = DELETE");
        }

        File.Move(partial, targetPath);
    }

    private static void Run(SqliteConnection connection, string path, string pragma)
    {
        List<string> problems;
        try
        {
            problems = connection.Query<string>(pragma).ToList();
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw new StoreDamagedException(path, ex.Message, ex);
        }

        if (problems is not ["ok"])
        {
            // The first few problems are enough to say what is wrong; a badly damaged file lists thousands.
            var lines = string.Join('\n', problems).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            throw new StoreDamagedException(path, $"{pragma}: {string.Join("; ", lines.Take(4))}{(lines.Length > 4 ? "; ..." : "")}");
        }
    }
}
