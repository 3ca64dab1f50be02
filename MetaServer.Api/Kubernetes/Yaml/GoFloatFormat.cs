using System.Globalization;
using System.Text;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// Prints floats as the Go code behind the apiserver does, so numbers read the same in our YAML and JSON as in
/// theirs: strconv's shortest "%g" (go-yaml's output, and the text of float map keys) and encoding/json's form.
/// </summary>
internal static class GoFloatFormat
{
    /// <summary>strconv.FormatFloat(value, 'g', -1, 64 or 32): "1e+06", "0.5", "1.5e-07", "+Inf".</summary>
    public static string FormatG(double value, bool singlePrecision = false)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value) || (singlePrecision && float.IsInfinity((float)value)))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        var (digits, point) = ShortestDigits(Math.Abs(value), singlePrecision);
        var builder = new StringBuilder(24);
        if (double.IsNegative(value))
        {
            builder.Append('-');
        }

        // Shortest %g switches to an exponent below 1e-4 and from 1e6 on (Go uses precision 6 for that choice).
        var exponent = point - 1;
        if (digits.Length > 0 && (exponent < -4 || exponent >= 6))
        {
            AppendExponentForm(builder, digits, exponent, minimumExponentDigits: 2);
        }
        else
        {
            AppendPlainForm(builder, digits, point);
        }

        return builder.ToString();
    }

    /// <summary>encoding/json's float64: plain from 1e-6 up to 1e21, otherwise "1e+21" / "1e-7".</summary>
    public static string FormatJson(double value)
    {
        var (digits, point) = ShortestDigits(Math.Abs(value), singlePrecision: false);
        var builder = new StringBuilder(24);
        if (double.IsNegative(value))
        {
            builder.Append('-');
        }

        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            AppendExponentForm(builder, digits, point - 1, minimumExponentDigits: 1);
        }
        else
        {
            AppendPlainForm(builder, digits, point);
        }

        return builder.ToString();
    }

    private static void AppendExponentForm(StringBuilder builder, string digits, int exponent, int minimumExponentDigits)
    {
        builder.Append(digits[0]);
        if (digits.Length > 1)
        {
            builder.Append('.').Append(digits, 1, digits.Length - 1);
        }

        builder.Append('e').Append(exponent < 0 ? '-' : '+');
        var magnitude = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        builder.Append('0', Math.Max(0, minimumExponentDigits - magnitude.Length)).Append(magnitude);
    }

    private static void AppendPlainForm(StringBuilder builder, string digits, int point)
    {
        if (digits.Length == 0)
        {
            builder.Append('0');
            return;
        }

        if (point <= 0)
        {
            builder.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            builder.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
    }

    /// <summary>
    /// The shortest digits that read back as the same value, with the decimal point's position
    /// (value = 0.digits × 10^point); "" for zero. .NET's round-trip format already finds them.
    /// </summary>
    private static (string Digits, int Point) ShortestDigits(double abs, bool singlePrecision)
    {
        var text = singlePrecision
            ? ((float)abs).ToString("R", CultureInfo.InvariantCulture)
            : abs.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.');
        var integerDigits = dot < 0 ? text.Length : dot;
        var all = dot < 0 ? text : string.Concat(text.AsSpan(0, dot), text.AsSpan(dot + 1));
        var leadingZeros = 0;
        while (leadingZeros < all.Length && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var significant = all[leadingZeros..].TrimEnd('0');
        return (significant, integerDigits + exponent - leadingZeros);
    }
}
