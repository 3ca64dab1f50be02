using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching.Apply;

/// <summary>
/// A set of field paths as structured-merge-diff keeps them: a tree whose edges are path elements in their FieldsV1
/// spelling (<c>f:spec</c>, <c>k:{"name":"c"}</c>, <c>v:"x"</c>, <c>i:0</c>) and whose nodes say whether the path
/// that reaches them is itself in the set. Keeping the element as its serialized string makes equality of keyed
/// items plain string equality and makes the FieldsV1 encoding a direct walk of the tree.
/// </summary>
public sealed class FieldSet
{
    private Dictionary<string, FieldSet>? _children;

    /// <summary>True when the path to this node is a member (the root never is).</summary>
    public bool IsMember { get; private set; }

    public bool IsEmpty => !IsMember && (_children is null || _children.Count == 0);

    public int ChildCount => _children?.Count ?? 0;

    public IEnumerable<KeyValuePair<string, FieldSet>> Children =>
        _children ?? Enumerable.Empty<KeyValuePair<string, FieldSet>>();

    public FieldSet? Child(string element) => _children?.GetValueOrDefault(element);

    public FieldSet Add(string element)
    {
        _children ??= new Dictionary<string, FieldSet>(StringComparer.Ordinal);
        if (!_children.TryGetValue(element, out var child))
        {
            child = new FieldSet();
            _children.Add(element, child);
        }

        return child;
    }

    /// <summary>Puts <paramref name="child"/> under <paramref name="element"/>, replacing what was there.</summary>
    public void Attach(string element, FieldSet child)
    {
        _children ??= new Dictionary<string, FieldSet>(StringComparer.Ordinal);
        _children[element] = child;
    }

    /// <summary>Drops the branches that hold no member, so that emptiness is <see cref="IsEmpty"/> at every level.</summary>
    public FieldSet Prune()
    {
        if (_children is null)
        {
            return this;
        }

        List<string>? empty = null;
        foreach (var (element, child) in _children)
        {
            if (child.Prune().IsEmpty)
            {
                (empty ??= []).Add(element);
            }
        }

        foreach (var element in empty ?? [])
        {
            _children.Remove(element);
        }

        return this;
    }

    public FieldSet MarkMember()
    {
        IsMember = true;
        return this;
    }

    /// <summary>
    /// A copy of this set without the members at which <paramref name="keep"/> holds anything (a member or a member
    /// below): removing such a path would take away fields someone still sets.
    /// </summary>
    public FieldSet ExceptWhereHeld(FieldSet keep)
    {
        var result = new FieldSet { IsMember = IsMember && keep.IsEmpty };
        foreach (var (element, child) in Children)
        {
            var sub = keep.Child(element) is { } kept ? child.ExceptWhereHeld(kept) : child.Clone();
            if (!sub.IsEmpty)
            {
                result.Attach(element, sub);
            }
        }

        return result;
    }

    /// <summary>Adds a path (a sequence of elements) as a member.</summary>
    public FieldSet Insert(params string[] path)
    {
        var node = this;
        foreach (var element in path)
        {
            node = node.Add(element);
        }

        node.MarkMember();
        return this;
    }

    public bool Has(params string[] path)
    {
        var node = this;
        foreach (var element in path)
        {
            node = node.Child(element);
            if (node is null)
            {
                return false;
            }
        }

        return node.IsMember;
    }

    public FieldSet Clone()
    {
        var copy = new FieldSet { IsMember = IsMember };
        if (_children is not null)
        {
            copy._children = new Dictionary<string, FieldSet>(_children.Count, StringComparer.Ordinal);
            foreach (var (element, child) in _children)
            {
                copy._children[element] = child.Clone();
            }
        }

        return copy;
    }

    /// <summary>Adds every member of <paramref name="other"/> to this set.</summary>
    public void UnionWith(FieldSet other)
    {
        IsMember |= other.IsMember;
        foreach (var (element, child) in other.Children)
        {
            Add(element).UnionWith(child);
        }
    }

    public static FieldSet Union(FieldSet a, FieldSet b)
    {
        var result = a.Clone();
        result.UnionWith(b);
        return result;
    }

    /// <summary>The members of <paramref name="a"/> that are not members of <paramref name="b"/>.</summary>
    public static FieldSet Difference(FieldSet a, FieldSet? b)
    {
        var result = new FieldSet { IsMember = a.IsMember && b?.IsMember != true };
        foreach (var (element, child) in a.Children)
        {
            var sub = Difference(child, b?.Child(element));
            if (!sub.IsEmpty)
            {
                result.Add(element);
                result._children![element] = sub;
            }
        }

        return result;
    }

    /// <summary>The members in both sets.</summary>
    public static FieldSet Intersection(FieldSet a, FieldSet b)
    {
        var result = new FieldSet { IsMember = a.IsMember && b.IsMember };
        var (small, large) = a.ChildCount <= b.ChildCount ? (a, b) : (b, a);
        foreach (var (element, child) in small.Children)
        {
            if (large.Child(element) is { } other)
            {
                var sub = Intersection(child, other);
                if (!sub.IsEmpty)
                {
                    result.Add(element);
                    result._children![element] = sub;
                }
            }
        }

        return result;
    }

    /// <summary>Every member path, in FieldsV1 order.</summary>
    public IEnumerable<string[]> Members()
    {
        var path = new List<string>();
        return Walk(this, path);

        static IEnumerable<string[]> Walk(FieldSet node, List<string> path)
        {
            if (node.IsMember && path.Count > 0)
            {
                yield return [.. path];
            }

            foreach (var element in node.Children.Select(c => c.Key).Order(StringComparer.Ordinal))
            {
                path.Add(element);
                foreach (var member in Walk(node._children![element], path))
                {
                    yield return member;
                }

                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>
    /// The FieldsV1 form: one member per element, <c>{}</c> for a member leaf, and <c>".": {}</c> inside a node that
    /// is a member and also has members below it. Elements are written in ordinal order so equal sets encode to equal bytes.
    /// </summary>
    public JsonObject ToFieldsV1()
    {
        var obj = new JsonObject();
        if (IsMember && ChildCount > 0)
        {
            obj["."] = new JsonObject();
        }

        foreach (var element in Children.Select(c => c.Key).Order(StringComparer.Ordinal))
        {
            obj[element] = _children![element].ToFieldsV1();
        }

        return obj;
    }

    /// <summary>Reads the FieldsV1 form; a malformed one throws <see cref="FormatException"/>.</summary>
    public static FieldSet FromFieldsV1(JsonObject fields) => FromFieldsV1(JsonSerializer.SerializeToElement(fields));

    /// <inheritdoc cref="FromFieldsV1(JsonObject)"/>
    public static FieldSet FromFieldsV1(JsonElement fields)
    {
        if (fields.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("fieldsV1 must be an object");
        }

        var set = new FieldSet();
        Read(set, fields, isRoot: true);
        return set;

        static void Read(FieldSet node, JsonElement fields, bool isRoot)
        {
            var any = false;
            foreach (var property in fields.EnumerateObject())
            {
                any = true;
                var element = property.Name;
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"the FieldsV1 member {element} is not an object");
                }

                if (element == ".")
                {
                    node.IsMember = true;
                    continue;
                }

                if (element.Length < 2 || element[1] != ':' || element[0] is not ('f' or 'k' or 'v' or 'i'))
                {
                    throw new FormatException($"{element} is not a FieldsV1 path element");
                }

                Read(node.Add(element), property.Value, isRoot: false);
            }

            if (!isRoot && !any)
            {
                node.IsMember = true;
            }
        }
    }

    /// <summary>
    /// Whether a FieldsV1 document holds any member of <paramref name="changes"/> (or anything below one), read
    /// without decoding it: the entries a write does not touch are kept as they are stored.
    /// </summary>
    public static bool Touches(JsonElement fieldsV1, FieldSet changes)
    {
        foreach (var (element, sub) in changes.Children)
        {
            if (fieldsV1.ValueKind == JsonValueKind.Object && fieldsV1.TryGetProperty(element, out var held)
                && (sub.IsMember || Touches(held, sub)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A path as structured-merge-diff prints it: <c>.spec.containers[name="c"].image</c>.</summary>
    public static string Describe(IEnumerable<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var body = element[2..];
            switch (element[0])
            {
                case 'f':
                    text.Append('.').Append(body);
                    break;
                case 'k':
                    text.Append('[');
                    var first = true;
                    foreach (var (name, value) in JsonNode.Parse(body)!.AsObject())
                    {
                        text.Append(first ? "" : ",").Append(name).Append('=').Append(value?.ToJsonString() ?? "null");
                        first = false;
                    }

                    text.Append(']');
                    break;
                case 'v':
                    text.Append("[=").Append(body).Append(']');
                    break;
                default:
                    text.Append('[').Append(body).Append(']');
                    break;
            }
        }

        return text.ToString();
    }
}

/// <summary>The FieldsV1 spelling of path elements.</summary>
public static class PathElements
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Field(string name) => "f:" + name;

    public static string Index(int index) => "i:" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Value(JsonNode? value) => "v:" + Canonical(value);

    /// <summary>A keyed list item with one key field, its value already canonical JSON.</summary>
    public static string Key(string name, string canonicalValue) =>
        "k:{" + JsonSerializer.Serialize(name, Compact) + ":" + canonicalValue + "}";

    /// <summary>The canonical JSON of a scalar element (strings re-escaped alike, numbers as written).</summary>
    public static string Canonical(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonSerializer.Serialize(value.GetString(), Compact),
        JsonValueKind.Object or JsonValueKind.Array => Canonical(JsonNode.Parse(value.GetRawText())),
        _ => value.GetRawText(),
    };

    /// <summary>Compact JSON with object members sorted, so equal values spell equal elements.</summary>
    public static string Canonical(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key, Compact) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        _ => value.ToJsonString(Compact),
    };
}
