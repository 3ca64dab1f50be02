using Dapper;
using Microsoft.Data.Sqlite;

namespace MetaServer.Data.Migrations;

/// <summary>Brings a database to the newest schema: each pending step in its own transaction.</summary>
internal static class Migrator
{
    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """;

    private const string SelectApplied = "SELECT version FROM schema_migrations";

    private const string InsertApplied =
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";

    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public static IReadOnlyList<int> Apply(SqliteConnection connection, IReadOnlyList<Migration> migrations)
    {
        connection.Execute(CreateHistory);
        var applied = connection.Query<int>(SelectApplied).ToHashSet();
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > migrations[^1].Version)
        {
            throw new InvalidOperationException(
                $"The database schema is version {newest}, newer than this build knows ({migrations[^1].Version}); refusing to run an older EdgeMeta on it.");
        }

        var done = new List<int>();
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            connection.Execute(migration.Sql, transaction: transaction);
            connection.Execute(InsertApplied,
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") }, transaction);
            transaction.Commit();
            done.Add(migration.Version);
        }

        return done;
    }
}
