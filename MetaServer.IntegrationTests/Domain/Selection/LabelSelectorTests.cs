using MetaServer.Domain.Selection;

namespace MetaServer.IntegrationTests.Domain.Selection;

public sealed class LabelSelectorTests
{
    private static readonly string Name63 = new('n', 63);

    [Theory]
    [InlineData("app=web", "app=web")]
    [InlineData("app==web", "app=web")]
    [InlineData("app!=web", "app!=web")]
    [InlineData("app", "app")]
    [InlineData("!app", "!app")]
    [InlineData("rank>5", "rank>5")]
    [InlineData("rank<007", "rank<007")]
    [InlineData("tier in (front,back,front)", "tier in (back,front)")]
    [InlineData("tier notin (front)", "tier notin (front)")]
    [InlineData("tier in(front,back)", "tier in (back,front)")]
    [InlineData("  app = web ,  tier  ", "app=web,tier")]
    [InlineData("\tapp\tin\t(\tweb\t,\tdb\t)\r\n", "app in (db,web)")]
    [InlineData("app=", "app=")]
    [InlineData("app!=", "app!=")]
    [InlineData("tier in ()", "tier in ()")]
    [InlineData("tier in (front,)", "tier in (,front)")]
    [InlineData("tier in (,front)", "tier in (,front)")]
    [InlineData("tier in (front,,back)", "tier in (,back,front)")]
    [InlineData("in=notin", "in=notin")]
    [InlineData("in in (in,notin)", "in in (in,notin)")]
    [InlineData("example.com/app=web", "example.com/app=web")]
    [InlineData("a-b.example.com/A.b_c-D=X.y_z-9", "a-b.example.com/A.b_c-D=X.y_z-9")]
    [InlineData("zeta=1,alpha=2,!mid", "alpha=2,!mid,zeta=1")]
    [InlineData("app=a,app=b", "app=a,app=b")]
    public void Valid_selector_parses_to_its_canonical_form(string text, string canonical)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error), error);
        Assert.Null(error);
        Assert.False(selector.IsEmpty);
        Assert.Equal(canonical, selector.ToString());
    }

    [Theory]
    [InlineData("app==web", "app", LabelOperator.Equals, new[] { "web" })]
    [InlineData("app!=web", "app", LabelOperator.NotEquals, new[] { "web" })]
    [InlineData("app in (web, db)", "app", LabelOperator.In, new[] { "db", "web" })]
    [InlineData("app notin (web)", "app", LabelOperator.NotIn, new[] { "web" })]
    [InlineData("app in ()", "app", LabelOperator.In, new[] { "" })]
    [InlineData("app", "app", LabelOperator.Exists, new string[0])]
    [InlineData("!app", "app", LabelOperator.DoesNotExist, new string[0])]
    [InlineData("rank>10", "rank", LabelOperator.GreaterThan, new[] { "10" })]
    [InlineData("rank<10", "rank", LabelOperator.LessThan, new[] { "10" })]
    [InlineData("app=", "app", LabelOperator.Equals, new[] { "" })]
    public void Requirement_exposes_key_operator_and_sorted_values(
        string text, string key, LabelOperator @operator, string[] values)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error), error);

        var requirement = Assert.Single(selector.Requirements);
        Assert.Equal(key, requirement.Key);
        Assert.Equal(@operator, requirement.Operator);
        Assert.Equal(values, requirement.Values);
    }

    [Fact]
    public void Longest_allowed_key_and_value_are_accepted()
    {
        var prefix = string.Join('.', Enumerable.Repeat(new string('p', 62), 4)) + ".a";
        Assert.Equal(253, prefix.Length);

        Assert.True(LabelSelector.TryParse($"{prefix}/{Name63}={Name63}", out var selector, out var error), error);
        Assert.Equal($"{prefix}/{Name63}", selector.Requirements[0].Key);
    }

    [Theory]
    [InlineData("app in (web", "found end of string, expected: ',' or ')'")]
    [InlineData("app in web", "found 'web', expected: '('")]
    [InlineData("app in", "found end of string, expected: '('")]
    [InlineData("app web", "found 'web', expected: one of in, notin, =, ==, !=, >, <")]
    [InlineData("app!web", "found '!', expected: one of in, notin")]
    [InlineData("app=web db", "found 'db', expected: ',' or end of string")]
    [InlineData("app=web,", "found end of string, expected: '!' or a label key")]
    [InlineData(",app", "found ',', expected: '!' or a label key")]
    [InlineData("app,,tier", "found ',', expected: '!' or a label key")]
    [InlineData("=web", "found '=', expected: '!' or a label key")]
    [InlineData("!app=web", "found '=', expected: ',' or end of string")]
    [InlineData("!!app", "found '!', expected: a label key")]
    [InlineData("!", "found end of string, expected: a label key")]
    [InlineData("app=(", "found '(', expected: a value")]
    [InlineData("app===web", "found '=', expected: a value")]
    [InlineData("app in (web db)", "found 'db', expected: ',' or ')'")]
    [InlineData("app in (web,=)", "found '=', expected: a value, ',' or ')'")]
    [InlineData("app in (web))", "found ')', expected: ',' or end of string")]
    [InlineData("rank>high", "needs an integer value, found \"high\"")]
    [InlineData("rank>", "needs an integer value, found \"\"")]
    [InlineData("rank<1.5", "needs an integer value")]
    [InlineData("rank>99999999999999999999", "needs an integer value")]
    [InlineData("rank>-1", "invalid label value \"-1\" for key \"rank\"")]
    [InlineData("app@x=web", "invalid label key \"app@x\": name part must consist of")]
    [InlineData("_app", "invalid label key \"_app\"")]
    [InlineData("app.", "invalid label key \"app.\"")]
    [InlineData("!-app", "invalid label key \"-app\"")]
    [InlineData("a/b/c=web", "at most one '/'")]
    [InlineData("/app=web", "prefix part must be non-empty")]
    [InlineData("example.com/=web", "name part must be non-empty")]
    [InlineData("Example.com/app=web", "prefix part must be a DNS subdomain")]
    [InlineData("example..com/app=web", "prefix part must be a DNS subdomain")]
    [InlineData("-example.com/app=web", "prefix part must be a DNS subdomain")]
    [InlineData("example_com/app=web", "prefix part must be a DNS subdomain")]
    [InlineData("app=-web", "invalid label value \"-web\" for key \"app\"")]
    [InlineData("app=web.", "invalid label value \"web.\"")]
    [InlineData("app=a/b", "invalid label value \"a/b\"")]
    [InlineData("app=wéb", "invalid label value \"wéb\"")]
    [InlineData("app in (web,-db)", "invalid label value \"-db\"")]
    public void Invalid_selector_is_rejected_with_the_reason(string text, string reason)
    {
        Assert.False(LabelSelector.TryParse(text, out var selector, out var error));

        Assert.Null(selector);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, 1, "name part must be no more than 63 characters")]
    [InlineData(1, 64, "must be no more than 63 characters")]
    public void Over_long_key_name_or_value_is_rejected(int keyLength, int valueLength, string reason)
    {
        var text = $"{new string('k', keyLength)}={new string('v', valueLength)}";

        Assert.False(LabelSelector.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Over_long_key_prefix_is_rejected()
    {
        var prefix = string.Join('.', Enumerable.Repeat(new string('p', 62), 4)) + ".ab";
        Assert.Equal(254, prefix.Length);

        Assert.False(LabelSelector.TryParse($"{prefix}/app", out _, out var error));
        Assert.Contains("prefix part must be no more than 253 characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void Empty_selector_matches_everything(string? text)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error));

        Assert.Null(error);
        Assert.Same(LabelSelector.Everything, selector);
        Assert.True(selector.IsEmpty);
        Assert.Empty(selector.Requirements);
        Assert.True(selector.Matches(StringMaps.Parse("")));
        Assert.True(selector.Matches(StringMaps.Parse("app=web")));
    }

    [Theory]
    [InlineData("app=web", "app=web", true)]
    [InlineData("app=web", "app=db", false)]
    [InlineData("app=web", "", false)]
    [InlineData("app==web", "app=web;tier=front", true)]
    [InlineData("App=web", "app=web", false)]
    [InlineData("app=", "app=", true)]
    [InlineData("app=", "", false)]
    [InlineData("app!=web", "app=db", true)]
    [InlineData("app!=web", "app=web", false)]
    [InlineData("app!=web", "", true)]
    [InlineData("app!=web", "tier=web", true)]
    [InlineData("app in (web,db)", "app=db", true)]
    [InlineData("app in (web,db)", "app=cache", false)]
    [InlineData("app in (web,db)", "", false)]
    [InlineData("app in ()", "app=", true)]
    [InlineData("app in ()", "app=web", false)]
    [InlineData("app notin (web,db)", "app=cache", true)]
    [InlineData("app notin (web,db)", "app=web", false)]
    [InlineData("app notin (web,db)", "", true)]
    [InlineData("app", "app=", true)]
    [InlineData("app", "apps=web", false)]
    [InlineData("!app", "", true)]
    [InlineData("!app", "app=", false)]
    [InlineData("rank>5", "rank=6", true)]
    [InlineData("rank>5", "rank=5", false)]
    [InlineData("rank>5", "rank=0010", true)]
    [InlineData("rank>5", "rank=high", false)]
    [InlineData("rank>5", "", false)]
    [InlineData("rank<5", "rank=4", true)]
    [InlineData("rank<5", "rank=5", false)]
    [InlineData("rank<5", "rank=-3", true)]
    [InlineData("rank<5", "rank=", false)]
    [InlineData("rank<5", "", false)]
    [InlineData("rank>9223372036854775806", "rank=9223372036854775807", true)]
    [InlineData("app=web,tier!=front", "app=web;tier=back", true)]
    [InlineData("app=web,tier!=front", "app=web;tier=front", false)]
    [InlineData("app=web,tier!=front", "app=db;tier=back", false)]
    [InlineData("app=a,app=b", "app=a", false)]
    public void Selector_matches_labels_like_the_apiserver(string text, string labels, bool expected)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error), error);

        Assert.Equal(expected, selector.Matches(StringMaps.Parse(labels)));
    }

    [Theory]
    [InlineData("tier in (a,b)", "tier in (b, a, b)", true)]
    [InlineData("tier=a", "tier==a", true)]
    [InlineData("tier=a", "tier in (a)", false)]
    [InlineData("tier in (a,b)", "tier in (a)", false)]
    [InlineData("tier", "!tier", false)]
    public void Requirements_are_equal_when_they_select_the_same_way(string left, string right, bool equal)
    {
        Assert.True(LabelSelector.TryParse(left, out var a, out _));
        Assert.True(LabelSelector.TryParse(right, out var b, out _));

        Assert.Equal(equal, a.Requirements[0].Equals(b.Requirements[0]));
        if (equal)
            Assert.Equal(a.Requirements[0].GetHashCode(), b.Requirements[0].GetHashCode());
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        Assert.True(LabelSelector.TryParse("app in (web,db),tier!=front,release,!canary,rank>3", out var selector, out _));
        IReadOnlyDictionary<string, string> labels = StringMaps.Parse("app=db;tier=back;release=stable;rank=7");
        Assert.True(selector.Matches(labels));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 10_000; i++)
        {
            if (selector.Matches(labels))
                matched++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, matched);
        Assert.Equal(0, allocated);
    }
}
