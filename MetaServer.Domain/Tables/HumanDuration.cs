using System.Globalization;

namespace MetaServer.Domain.Tables;

/// <summary>
/// Ages and durations in the apiserver's human form: two or three significant figures, e.g. "45s", "5m10s",
/// "3h4m", "3d4h", "400d", "2y3d". Table cells must read exactly as a real server prints them.
/// </summary>
public static class HumanDuration
{
    /// <summary>The cell for a timestamp that is missing or the zero time.</summary>
    public const string Unknown = "<unknown>";

    private const long HoursPerDay = 24;
    private const long HoursPerYear = 24 * 365;

    public static string Format(TimeSpan duration)
    {
        // Whole units truncated toward zero, as Go's integer conversions do.
        var seconds = duration.Ticks / TimeSpan.TicksPerSecond;

        // Up to a second in the future reads as now: clocks of two machines are never quite in step.
        if (seconds < -1)
            return "<invalid>";
        if (seconds < 0)
            return "0s";
        if (seconds < 2 * 60)
            return Invariant($"{seconds}s");

        var minutes = duration.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
            return seconds % 60 == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{seconds % 60}s");
        if (minutes < 3 * 60)
            return Invariant($"{minutes}m");

        var hours = duration.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
            return minutes % 60 == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{minutes % 60}m");
        if (hours < 48)
            return Invariant($"{hours}h");
        if (hours < 8 * HoursPerDay)
        {
            var days = hours / HoursPerDay;
            return hours % HoursPerDay == 0 ? Invariant($"{days}d") : Invariant($"{days}d{hours % HoursPerDay}h");
        }
        if (hours < 2 * HoursPerYear)
            return Invariant($"{hours / HoursPerDay}d");
        if (hours < 8 * HoursPerYear)
        {
            var years = hours / HoursPerYear;
            var daysIntoYear = hours / HoursPerDay % 365;
            return daysIntoYear == 0 ? Invariant($"{years}y") : Invariant($"{years}y{daysIntoYear}d");
        }
        return Invariant($"{hours / HoursPerYear}y");
    }

    /// <summary>The age of <paramref name="timestamp"/> at <paramref name="now"/>, or "&lt;unknown&gt;" without one.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is { } t ? Format(now - t) : Unknown;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
