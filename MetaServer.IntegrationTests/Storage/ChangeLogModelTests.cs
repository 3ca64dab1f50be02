using System.Text.Json.Nodes;
using Dapper;
using MetaServer.Data;
using MetaServer.Domain.Kubernetes;
using MetaServer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaServer.IntegrationTests.Storage;

/// <summary>
/// The store against a model of it: random creates, updates and deletes on a few keys, compactions at random
/// points, and after each step the state at every retained revision read back from the file must be exactly the
/// model's state at that revision — and the change log must keep nothing more than that needs.
/// </summary>
public sealed class ChangeLogModelTests : IDisposable
{
    private static readonly ResourceType ConfigMaps = ResourceCatalog.BuiltIn.Find("", "v1", "configmaps")!;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_retained_revision_reads_back_as_the_model_had_it_and_compaction_keeps_only_what_is_needed(int seed)
    {
        var random = new Random(seed);
        using var store = new SqliteStore(new StoreOptions { Path = Path.Combine(_folder.Path, $"model-{seed}.db"), Synchronous = "NORMAL" });
        store.Initialize();
        await using var writer = new StoreWriter(store, [], NullLogger<StoreWriter>.Instance);
        var names = Enumerable.Range(0, 6).Select(i => $"k{i}").ToArray();
        // The model: the state after each revision (name -> data value), revision 0 being empty.
        var states = new List<Dictionary<string, string>> { new() };
        for (var step = 0; step < 300; step++)
        {
            var name = names[random.Next(names.Length)];
            var current = states[^1];
            var roll = random.Next(10);
            if (roll == 0 && store.CurrentRevision > 0)
            {
                await writer.CompactAsync(store.CompactedRevision + random.Next(1, 40));
                AssertLogHoldsOnlyWhatIsNeeded(store, states);
                continue;
            }

            WriteResult result;
            var next = new Dictionary<string, string>(current);
            if (current.ContainsKey(name) && roll < 4)
            {
                result = await writer.WriteAsync(new ObjectWrite(ConfigMaps, "default", name, _ => Mutation.Remove));
                next.Remove(name);
            }
            else
            {
                var value = $"v{step}";
                result = await writer.WriteAsync(new ObjectWrite(ConfigMaps, "default", name, _ => new Mutation.Put(ConfigMap(name, value))));
                next[name] = value;
            }

            Assert.IsType<WriteResult.Committed>(result);
            Assert.Equal(states.Count, store.CurrentRevision);
            states.Add(next);

            // Every revision still retained reads back as the model had it; older ones are refused.
            for (var revision = Math.Max(store.CompactedRevision, 1); revision <= store.CurrentRevision; revision += 1 + random.Next(3))
            {
                Assert.Equal(Format(states[(int)revision]), ReadAt(store, revision));
            }

            if (store.CompactedRevision > 0)
            {
                Assert.False(store.TryOpenListAt(ConfigMaps.KeyPrefix("default"), null, store.CompactedRevision - 1, out _, out _));
            }
        }

        Assert.Equal(Format(states[^1]), ReadAt(store, store.CurrentRevision));
    }

    // At or below the compaction point the log holds, per key alive there, exactly its newest change; deleted
    // keys and superseded values are gone.
    private static void AssertLogHoldsOnlyWhatIsNeeded(SqliteStore store, List<Dictionary<string, string>> states)
    {
        using var db = new SqliteConnection($"Data Source={store.FilePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        var compacted = store.CompactedRevision;
        var kept = db.Query<string>("SELECT name FROM changes WHERE revision <= @compacted ORDER BY name", new { compacted }).ToArray();
        Assert.Equal(states[(int)compacted].Keys.Order(StringComparer.Ordinal), kept);
    }

    private static string ReadAt(SqliteStore store, long revision)
    {
        Assert.True(store.TryOpenListAt(ConfigMaps.KeyPrefix("default"), null, revision, out var cursor, out _));
        using (cursor)
        {
            var items = new List<string>();
            while (cursor!.Read())
            {
                var obj = JsonNode.Parse(cursor.GetValue())!;
                items.Add($"{obj["metadata"]!["name"]}={obj["data"]!["v"]}");
            }

            return string.Join(",", items);
        }
    }

    private static string Format(Dictionary<string, string> state) =>
        string.Join(",", state.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["data"] = new JsonObject { ["v"] = value },
    };
}
