namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// The timestamps go-yaml v2 recognises in plain scalars: "2006-1-2", "2006-1-2T15:4:5.999999999Z07:00" (also
/// with "t") and "2006-1-2 15:4:5.999999999", as Go's time.Parse accepts them. They are read back as their text,
/// so this only decides that "2024-01-02T03:04:05Z" is written quoted, as the apiserver writes creationTimestamp.
/// </summary>
internal static class YamlTimestamp
{
    public static bool IsTimestamp(string text)
    {
        var s = text.AsSpan();
        if (s.Length < 5 || !IsDigits(s[..4]) || s[4] != '-')
        {
            return false;
        }

        var year = int.Parse(s[..4], provider: null);
        var i = 5;
        if (!TryNumber(s, ref i, out var month) || month is < 1 or > 12 || !Expect(s, ref i, '-')
            || !TryNumber(s, ref i, out var day))
        {
            return false;
        }

        if (day < 1 || day > DateTime.DaysInMonth(year == 0 ? 2000 : year, month))
        {
            return false;
        }

        if (i == s.Length)
        {
            return true;
        }

        var separator = s[i];
        if (separator is not ('T' or 't' or ' '))
        {
            return false;
        }

        i++;
        if (!TryNumber(s, ref i, out var hour) || hour > 23 || !Expect(s, ref i, ':')
            || !TryNumber(s, ref i, out var minute) || minute > 59 || !Expect(s, ref i, ':')
            || !TryNumber(s, ref i, out var second) || second > 59)
        {
            return false;
        }

        // Fractional seconds are optional; Go takes any number of digits after '.' or ','.
        if (i + 1 < s.Length && s[i] is '.' or ',' && char.IsAsciiDigit(s[i + 1]))
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        if (separator == ' ')
        {
            return i == s.Length;
        }

        if (i < s.Length && s[i] == 'Z')
        {
            return i + 1 == s.Length;
        }

        // "+hh:mm" or "-hh:mm", exactly, with Go's lenient offset limits.
        return s.Length - i == 6 && s[i] is '+' or '-' && IsDigits(s.Slice(i + 1, 2)) && s[i + 3] == ':'
            && IsDigits(s.Slice(i + 4, 2)) && int.Parse(s.Slice(i + 1, 2), provider: null) <= 24
            && int.Parse(s.Slice(i + 4, 2), provider: null) <= 60;
    }

    /// <summary>One or two digits, as Go's non-padded layout fields ("1", "2", "15", "4", "5") read them.</summary>
    private static bool TryNumber(ReadOnlySpan<char> s, ref int i, out int value)
    {
        value = 0;
        if (i >= s.Length || !char.IsAsciiDigit(s[i]))
        {
            return false;
        }

        value = s[i] - '0';
        i++;
        if (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            value = (value * 10) + (s[i] - '0');
            i++;
        }

        return true;
    }

    private static bool Expect(ReadOnlySpan<char> s, ref int i, char c)
    {
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
