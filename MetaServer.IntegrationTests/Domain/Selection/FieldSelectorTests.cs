using MetaServer.Domain.Selection;

namespace MetaServer.IntegrationTests.Domain.Selection;

public sealed class FieldSelectorTests
{
    [Theory]
    [InlineData("metadata.name=web-0", "metadata.name", FieldOperator.Equals, "web-0")]
    [InlineData("metadata.name==web-0", "metadata.name", FieldOperator.Equals, "web-0")]
    [InlineData("status.phase!=Running", "status.phase", FieldOperator.NotEquals, "Running")]
    [InlineData("spec.nodeName=", "spec.nodeName", FieldOperator.Equals, "")]
    [InlineData("spec.nodeName!=", "spec.nodeName", FieldOperator.NotEquals, "")]
    [InlineData(@"note=a\,b", "note", FieldOperator.Equals, "a,b")]
    [InlineData(@"note=a\=b", "note", FieldOperator.Equals, "a=b")]
    [InlineData(@"note=a\\b", "note", FieldOperator.Equals, @"a\b")]
    [InlineData(@"note=\\\,\=", "note", FieldOperator.Equals, @"\,=")]
    [InlineData(@"note!=\\", "note", FieldOperator.NotEquals, @"\")]
    [InlineData("note=a b", "note", FieldOperator.Equals, "a b")]
    [InlineData(" note = a ", " note ", FieldOperator.Equals, " a ")]
    [InlineData("a!b=c", "a!b", FieldOperator.Equals, "c")]
    [InlineData("involvedObject.fieldPath=spec.containers{web}", "involvedObject.fieldPath", FieldOperator.Equals, "spec.containers{web}")]
    [InlineData(",metadata.name=web-0,", "metadata.name", FieldOperator.Equals, "web-0")]
    public void Term_parses_to_field_operator_and_unescaped_value(
        string text, string field, FieldOperator @operator, string value)
    {
        Assert.True(FieldSelector.TryParse(text, out var selector, out var error), error);

        var requirement = Assert.Single(selector.Requirements);
        Assert.Equal(new FieldRequirement(field, @operator, value), requirement);
    }

    [Theory]
    [InlineData("metadata.name=web-0,metadata.namespace=default", "metadata.name=web-0,metadata.namespace=default")]
    [InlineData("status.phase!=Failed,spec.nodeName==edge-1", "spec.nodeName=edge-1,status.phase!=Failed")]
    [InlineData("b=1,,a=2,", "a=2,b=1")]
    [InlineData(@"note=a\,b\=c\\d", @"note=a\,b\=c\\d")]
    public void Selector_parses_to_its_canonical_form(string text, string canonical)
    {
        Assert.True(FieldSelector.TryParse(text, out var selector, out var error), error);

        Assert.Equal(canonical, selector.ToString());
    }

    [Theory]
    [InlineData("metadata.name", "can't understand 'metadata.name'")]
    [InlineData("metadata.name=web-0,spec", "can't understand 'spec'")]
    [InlineData(@"note=a\,b,c", "can't understand 'c'")]
    [InlineData("note=a=b", "unescaped '=' in the value of 'note'")]
    [InlineData("note===b", "unescaped '=' in the value of 'note'")]
    [InlineData("note!==b", "unescaped '=' in the value of 'note'")]
    [InlineData(@"note=a\", "the value of 'note' ends in an unfinished escape")]
    [InlineData(@"note=a\n", @"invalid escape sequence '\n' in the value of 'note'")]
    [InlineData(@"note=\ ", @"invalid escape sequence '\ '")]
    public void Invalid_selector_is_rejected_with_the_reason(string text, string reason)
    {
        Assert.False(FieldSelector.TryParse(text, out var selector, out var error));

        Assert.Null(selector);
        Assert.StartsWith("invalid field selector: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(",")]
    [InlineData(",,")]
    public void Empty_selector_matches_everything(string? text)
    {
        Assert.True(FieldSelector.TryParse(text, out var selector, out var error));

        Assert.Null(error);
        Assert.Same(FieldSelector.Everything, selector);
        Assert.True(selector.IsEmpty);
        Assert.True(selector.Matches(StringMaps.Parse("metadata.name=web-0")));
    }

    [Theory]
    [InlineData("metadata.name=web-0", "metadata.name=web-0", true)]
    [InlineData("metadata.name=web-0", "metadata.name=web-1", false)]
    [InlineData("metadata.name=web-0", "", false)]
    [InlineData("metadata.name=Web-0", "metadata.name=web-0", false)]
    [InlineData("spec.nodeName=", "", true)]
    [InlineData("spec.nodeName=", "spec.nodeName=edge-1", false)]
    [InlineData("spec.nodeName!=", "", false)]
    [InlineData("spec.nodeName!=", "spec.nodeName=edge-1", true)]
    [InlineData("status.phase!=Running", "", true)]
    [InlineData("status.phase!=Running", "status.phase=Running", false)]
    [InlineData(@"note=a\,b", "note=a,b", true)]
    [InlineData(@"note=a\,b", @"note=a\,b", false)]
    [InlineData("spec.nodeName=edge-1,status.phase!=Failed", "spec.nodeName=edge-1;status.phase=Running", true)]
    [InlineData("spec.nodeName=edge-1,status.phase!=Failed", "spec.nodeName=edge-1;status.phase=Failed", false)]
    [InlineData("spec.nodeName=edge-1,status.phase!=Failed", "spec.nodeName=edge-2;status.phase=Running", false)]
    public void Selector_matches_fields_treating_a_missing_field_as_empty(string text, string fields, bool expected)
    {
        Assert.True(FieldSelector.TryParse(text, out var selector, out var error), error);

        Assert.Equal(expected, selector.Matches(StringMaps.Parse(fields)));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("a,b")]
    [InlineData("a=b")]
    [InlineData(@"a\b")]
    [InlineData(@"\,=\\")]
    [InlineData(@"trailing\")]
    public void Escaped_value_reads_back_unchanged(string value)
    {
        var text = "note!=" + FieldSelector.Escape(value);

        Assert.True(FieldSelector.TryParse(text, out var selector, out var error), error);
        Assert.Equal(value, Assert.Single(selector.Requirements).Value);
        Assert.Equal(text, selector.ToString());
    }
}
