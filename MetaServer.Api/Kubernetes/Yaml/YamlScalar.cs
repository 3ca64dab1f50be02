using System.Globalization;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>A resolved scalar: its kind and, for booleans and numbers, its value.</summary>
internal readonly record struct YamlScalar(YamlScalarKind Kind, bool Bool = false, long Int = 0, ulong UInt = 0, double Float = 0)
{
    private static readonly YamlScalar StringScalar = new(YamlScalarKind.String);
    private static readonly YamlScalar NullScalar = new(YamlScalarKind.Null);

    /// <summary>
    /// Resolves a plain scalar the way go-yaml v2 does (which is what the apiserver parses YAML with): the
    /// first character picks what to try, so most text is known to be a string after one table look-up.
    /// </summary>
    public static YamlScalar Resolve(string plain)
    {
        if (plain.Length == 0)
        {
            return NullScalar;
        }

        var first = plain[0];
        var hint = first switch
        {
            '+' or '-' => 'S',
            >= '0' and <= '9' => 'D',
            'y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O' or '~' => 'M',
            '.' => '.',
            _ => '\0',
        };
        if (hint == '\0')
        {
            return StringScalar;
        }

        if (WellKnown(plain) is { } known)
        {
            return known;
        }

        switch (hint)
        {
            case '.':
                // Only a YAML-style decimal can start with a dot here (".5", ".5e3").
                return LooksLikeYamlFloat(plain) && TryParseFloat(plain, out var dotted)
                    ? new YamlScalar(YamlScalarKind.Float, Float: dotted)
                    : StringScalar;
            case 'D' or 'S':
                return ResolveNumber(plain);
            default:
                return StringScalar;
        }
    }

    /// <summary>True for the base-60 floats of YAML 1.1 ("1:20"), which go-yaml quotes on output although it never reads them as numbers.</summary>
    public static bool IsBase60Float(string text)
    {
        if (text.Length == 0 || text.IndexOf(':') < 0)
        {
            return false;
        }

        var i = 0;
        if (text[0] is '+' or '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        var groups = 0;
        while (i < text.Length && text[i] == ':')
        {
            i++;
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]) && i - start < 2)
            {
                i++;
            }

            var digits = i - start;
            if (digits == 0 || (digits == 2 && text[start] > '5'))
            {
                return false;
            }

            groups++;
        }

        if (groups == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }
        }

        return i == text.Length;
    }

    private static YamlScalar? WellKnown(string plain) => plain switch
    {
        "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON"
            => new YamlScalar(YamlScalarKind.Bool, Bool: true),
        "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF"
            => new YamlScalar(YamlScalarKind.Bool, Bool: false),
        "~" or "null" or "Null" or "NULL" => NullScalar,
        ".nan" or ".NaN" or ".NAN" => new YamlScalar(YamlScalarKind.Float, Float: double.NaN),
        ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF"
            => new YamlScalar(YamlScalarKind.Float, Float: double.PositiveInfinity),
        "-.inf" or "-.Inf" or "-.INF" => new YamlScalar(YamlScalarKind.Float, Float: double.NegativeInfinity),
        _ => null,
    };

    private static YamlScalar ResolveNumber(string text)
    {
        // A timestamp is kept as its text, so it only matters that it is not a number.
        if (YamlTimestamp.IsTimestamp(text))
        {
            return new YamlScalar(YamlScalarKind.Timestamp);
        }

        // go-yaml drops every underscore before trying the number forms ("1_000" is 1000).
        var plain = text.Contains('_') ? text.Replace("_", "", StringComparison.Ordinal) : text;
        if (TryParseGoInt(plain, 0, out var integer))
        {
            return new YamlScalar(YamlScalarKind.Int, Int: integer);
        }

        if (TryParseGoUInt(plain, 0, out var unsigned))
        {
            return new YamlScalar(YamlScalarKind.UInt, UInt: unsigned);
        }

        if (LooksLikeYamlFloat(plain) && TryParseFloat(plain, out var number))
        {
            return new YamlScalar(YamlScalarKind.Float, Float: number);
        }

        // The legacy binary forms go-yaml still tries after Go's own prefixes failed ("0b-101" is -5).
        if (plain.StartsWith("0b", StringComparison.Ordinal))
        {
            if (TryParseGoInt(plain[2..], 2, out var binary))
            {
                return new YamlScalar(YamlScalarKind.Int, Int: binary);
            }

            if (TryParseGoUInt(plain[2..], 2, out var binaryUnsigned))
            {
                return new YamlScalar(YamlScalarKind.UInt, UInt: binaryUnsigned);
            }
        }
        else if (plain.StartsWith("-0b", StringComparison.Ordinal) && TryParseGoInt("-" + plain[3..], 2, out var negative))
        {
            return new YamlScalar(YamlScalarKind.Int, Int: negative);
        }

        return StringScalar;
    }

    /// <summary>go-yaml's float shape: <c>^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$</c>.</summary>
    private static bool LooksLikeYamlFloat(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (!SkipDigits(text, ref i))
            {
                return false;
            }
        }
        else
        {
            if (!SkipDigits(text, ref i))
            {
                return false;
            }

            if (i < text.Length && text[i] == '.')
            {
                i++;
                SkipDigits(text, ref i);
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (!SkipDigits(text, ref i))
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static bool SkipDigits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static bool TryParseFloat(string text, out double value)
    {
        // Go reports overflow as an error where .NET answers infinity; go-yaml then keeps the text as a string.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>Go's strconv.ParseInt: an optional sign, then digits in <paramref name="numberBase"/> (0 = from the prefix).</summary>
    private static bool TryParseGoInt(string text, int numberBase, out long value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        var negative = text[0] == '-';
        var digits = text[0] is '+' or '-' ? text[1..] : text;
        if (!TryParseGoUInt(digits, numberBase, out var magnitude))
        {
            return false;
        }

        const ulong Cutoff = 1UL << 63;
        if ((!negative && magnitude >= Cutoff) || (negative && magnitude > Cutoff))
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>Go's strconv.ParseUint: with base 0, "0x", "0o", "0b" or a bare leading "0" (octal) choose the base.</summary>
    private static bool TryParseGoUInt(string text, int numberBase, out ulong value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        var digits = text.AsSpan();
        if (numberBase == 0)
        {
            numberBase = 10;
            if (digits[0] == '0')
            {
                var prefix = digits.Length >= 3 ? char.ToLowerInvariant(digits[1]) : '\0';
                numberBase = prefix switch
                {
                    'b' => 2,
                    'o' => 8,
                    'x' => 16,
                    _ => 8,
                };
                digits = digits[(prefix is 'b' or 'o' or 'x' ? 2 : 1)..];
            }
        }

        ulong result = 0;
        foreach (var c in digits)
        {
            int digit;
            if (c is >= '0' and <= '9')
            {
                digit = c - '0';
            }
            else if (char.ToLowerInvariant(c) is >= 'a' and <= 'z')
            {
                digit = char.ToLowerInvariant(c) - 'a' + 10;
            }
            else
            {
                return false;
            }

            if (digit >= numberBase)
            {
                return false;
            }

            var next = unchecked((result * (ulong)numberBase) + (ulong)digit);
            if (result > ulong.MaxValue / (ulong)numberBase || next < result)
            {
                return false;
            }

            result = next;
        }

        value = result;
        return true;
    }
}
