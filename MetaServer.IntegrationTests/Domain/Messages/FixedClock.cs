namespace MetaServer.IntegrationTests.Domain.Messages;

/// <summary>A clock that always reads the same instant, so message timestamps can be asserted.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Instant = new(2024, 6, 10, 6, 13, 20, 123, TimeSpan.Zero);

    public static readonly long InstantMilliseconds = Instant.ToUnixTimeMilliseconds();

    public FixedClock()
        : this(Instant)
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
