using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MetaServer.Domain.Selection;

/// <summary>A parsed <c>?labelSelector=</c>: every requirement must hold for an object to be selected.</summary>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;

    private LabelSelector(LabelRequirement[] requirements)
    {
        _requirements = requirements;
        Requirements = Array.AsReadOnly(requirements);
    }

    /// <summary>The selector that matches every object, as an absent or empty <c>labelSelector</c> does.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>The requirements, ordered by key (stable), as the apiserver orders them.</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => _requirements.Length == 0;

    /// <summary>
    /// Parses the label selector syntax; on failure <paramref name="error"/> says what is wrong, worded for a
    /// 400 BadRequest, and <paramref name="selector"/> is null.
    /// </summary>
    public static bool TryParse(
        string? text,
        [MaybeNullWhen(false)] out LabelSelector selector,
        [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(text))
        {
            selector = Everything;
            error = null;
            return true;
        }
        if (!LabelSelectorParser.TryParse(text, out var requirements, out error))
        {
            selector = null;
            return false;
        }
        selector = requirements.Count == 0
            ? Everything
            : new LabelSelector([.. requirements.OrderBy(r => r.Key, StringComparer.Ordinal)]);
        return true;
    }

    /// <summary>
    /// True when all requirements hold; allocation-free because it runs once per listed or watched object.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The canonical selector syntax, e.g. <c>app=web,tier in (back,front)</c>; empty for <see cref="Everything"/>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < _requirements.Length; i++)
        {
            if (i > 0)
                text.Append(',');
            _requirements[i].AppendTo(text);
        }
        return text.ToString();
    }
}
