using MetaServer.Domain.Tables;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class TableOptionsTests
{
    [Theory]
    [InlineData(null, IncludeObject.Metadata)]
    [InlineData("", IncludeObject.Metadata)]
    [InlineData("Metadata", IncludeObject.Metadata)]
    [InlineData("Object", IncludeObject.Object)]
    [InlineData("None", IncludeObject.None)]
    public void IncludeObject_accepts_the_three_names_and_defaults_to_Metadata(string? value, IncludeObject expected)
    {
        Assert.True(TableOptions.TryParse(value, out var options, out var error));
        Assert.Equal(expected, options.IncludeObject);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("object")]
    [InlineData("All")]
    [InlineData(" None")]
    public void IncludeObject_rejects_other_values_with_the_apiserver_message(string value)
    {
        Assert.False(TableOptions.TryParse(value, out _, out var error));
        Assert.Equal(
            $"Unable to convert to Table as requested: includeObject: Invalid value: \"{value}\": must be 'Metadata', 'Object', 'None', or empty",
            error);
    }
}
