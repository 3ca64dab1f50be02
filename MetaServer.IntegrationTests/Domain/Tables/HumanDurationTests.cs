using MetaServer.Domain.Tables;

namespace MetaServer.IntegrationTests.Domain.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    // Slightly in the future (clock skew) still reads as now; further is invalid.
    [InlineData(-2_000, "<invalid>")]
    [InlineData(-1_999, "0s")]
    [InlineData(-1_000, "0s")]
    [InlineData(0, "0s")]
    [InlineData(999, "0s")]
    [InlineData(45_000, "45s")]
    // Seconds up to two minutes.
    [InlineData(119_999, "119s")]
    [InlineData(120_000, "2m")]
    // Minutes and seconds below ten minutes, whole minutes when the seconds are 0.
    [InlineData(130_000, "2m10s")]
    [InlineData(300_000, "5m")]
    [InlineData(599_000, "9m59s")]
    [InlineData(600_000, "10m")]
    [InlineData(659_000, "10m")]
    // Minutes only up to three hours.
    [InlineData(10_799_000, "179m")]
    [InlineData(10_800_000, "3h")]
    [InlineData(11_040_000, "3h4m")]
    [InlineData(28_740_000, "7h59m")]
    [InlineData(28_800_000, "8h")]
    [InlineData(172_799_000, "47h")]
    public void Short_durations_print_like_the_apiserver(long milliseconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(48, "2d")]
    [InlineData(53, "2d5h")]
    [InlineData(191, "7d23h")]
    [InlineData(192, "8d")]
    [InlineData(199, "8d")]
    [InlineData(729 * 24 + 23, "729d")]
    [InlineData(730 * 24, "2y")]
    [InlineData(733 * 24, "2y3d")]
    [InlineData(8 * 365 * 24 - 1, "7y364d")]
    [InlineData(8 * 365 * 24, "8y")]
    [InlineData(20 * 365 * 24 + 100 * 24, "20y")]
    public void Long_durations_print_days_and_years(long hours, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromHours(hours)));

    [Fact]
    public void Since_without_a_timestamp_is_unknown() =>
        Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UtcNow));

    [Fact]
    public void Since_measures_from_the_timestamp_to_now()
    {
        var now = new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("3h4m", HumanDuration.Since(now.AddMinutes(-184), now));
    }
}
