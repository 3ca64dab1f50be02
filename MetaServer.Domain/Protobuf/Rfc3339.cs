namespace MetaServer.Domain.Protobuf;

/// <summary>
/// The timestamps Kubernetes writes (<c>2026-01-02T03:04:05Z</c>, with an optional fraction or offset) read straight
/// from UTF-8; anything else is left to the general parser.
/// </summary>
internal static class Rfc3339
{
    public static bool TryParseUtcTicks(ReadOnlySpan<byte> text, out long ticks)
    {
        ticks = 0;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':'
            || !Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var at = 19;
        long fraction = 0;
        if (text[at] == '.')
        {
            var scale = TimeSpan.TicksPerSecond;
            at++;
            var first = at;
            for (; at < text.Length && (uint)(text[at] - '0') <= 9; at++)
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fraction += (text[at] - '0') * scale;
                }
            }

            if (at == first)
            {
                return false;
            }
        }

        long offset;
        var rest = text[at..];
        if (rest.Length == 1 && (rest[0] | 0x20) == 'z')
        {
            offset = 0;
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':'
            && Digits(rest.Slice(1, 2), out var offsetHours) && Digits(rest.Slice(4, 2), out var offsetMinutes) && offsetHours < 24 && offsetMinutes < 60)
        {
            offset = (offsetHours * TimeSpan.TicksPerHour + offsetMinutes * TimeSpan.TicksPerMinute) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        ticks = new DateTime(year, month, day).Ticks + hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute
            + second * TimeSpan.TicksPerSecond + fraction - offset;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            value = value * 10 + (int)digit;
        }

        return true;
    }
}
