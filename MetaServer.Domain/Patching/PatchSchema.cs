using System.Collections.Frozen;

namespace MetaServer.Domain.Patching;

/// <summary>
/// The strategic-merge metadata of one field and of everything under it. For a list the children describe the
/// fields of its items, so "spec.containers[].ports" is <c>Field("spec").Field("containers").Field("ports")</c>.
/// </summary>
public sealed class PatchSchema
{
    private readonly FrozenDictionary<string, PatchSchema> _fields;

    private PatchSchema(PatchStrategy strategy, string? mergeKey, FrozenDictionary<string, PatchSchema> fields)
    {
        Strategy = strategy;
        MergeKey = mergeKey;
        _fields = fields;
    }

    /// <summary>A field nobody tagged: maps merge, lists are replaced.</summary>
    public static PatchSchema Untagged { get; } = new(PatchStrategy.None, null, FrozenDictionary<string, PatchSchema>.Empty);

    public PatchStrategy Strategy { get; }

    /// <summary>The field that identifies an item of a merging list of objects; null for lists of primitives.</summary>
    public string? MergeKey { get; }

    /// <summary>True where the items of this list are merged rather than the list replaced.</summary>
    public bool MergesItems => (Strategy & PatchStrategy.Merge) != 0;

    public PatchSchema Field(string name) => _fields.GetValueOrDefault(name, Untagged);

    /// <summary>The schema at a dotted path such as "spec.containers[].ports"; "[]" only marks a list and may be left out.</summary>
    public PatchSchema At(string path)
    {
        var schema = this;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            schema = schema.Field(ListFieldName(segment));
        }

        return schema;
    }

    /// <summary>Builds the tree from rows of (path, strategy, merge key); parents of a tagged path need no row of their own.</summary>
    public static PatchSchema FromTable(IEnumerable<(string Path, PatchStrategy Strategy, string? MergeKey)> rows)
    {
        var root = new Draft();
        foreach (var (path, strategy, mergeKey) in rows)
        {
            var node = root;
            foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = ListFieldName(segment);
                if (!node.Fields.TryGetValue(name, out var child))
                {
                    child = new Draft();
                    node.Fields.Add(name, child);
                }

                node = child;
            }

            node.Strategy = strategy;
            node.MergeKey = mergeKey;
        }

        return root.Freeze();
    }

    private static string ListFieldName(string segment) =>
        segment.EndsWith("[]", StringComparison.Ordinal) ? segment[..^2] : segment;

    // Mutable only while a table is being turned into a tree.
    private sealed class Draft
    {
        public PatchStrategy Strategy { get; set; }

        public string? MergeKey { get; set; }

        public Dictionary<string, Draft> Fields { get; } = new(StringComparer.Ordinal);

        public PatchSchema Freeze() =>
            Fields.Count == 0 && Strategy == PatchStrategy.None && MergeKey is null
                ? Untagged
                : new PatchSchema(Strategy, MergeKey, Fields.ToFrozenDictionary(f => f.Key, f => f.Value.Freeze(), StringComparer.Ordinal));
    }
}
