using System.Text;

namespace MetaServer.Api.Kubernetes.Yaml;

/// <summary>
/// The order go-yaml v2 writes map keys in, which is the order of every YAML answer from the apiserver (the
/// object goes through a Go map on its way out). It is not plain alphabetical: letters sort after other
/// characters ("a.b" before "ab") and runs of digits compare as numbers ("item2" before "item10").
/// </summary>
internal sealed class YamlKeyOrder : IComparer<int[]>
{
    public static readonly YamlKeyOrder Instance = new();

    private YamlKeyOrder()
    {
    }

    /// <summary>The key's code points, the form the comparison works on (as Go's []rune).</summary>
    public static int[] CodePoints(string key)
    {
        var runes = new int[key.Length];
        var count = 0;
        foreach (var rune in key.EnumerateRunes())
        {
            runes[count++] = rune.Value;
        }

        return count == runes.Length ? runes : runes[..count];
    }

    public int Compare(int[]? x, int[]? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (Less(x, y))
        {
            return -1;
        }

        return Less(y, x) ? 1 : 0;
    }

    private static bool Less(int[] a, int[] b)
    {
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            var aLetter = Rune.IsLetter(new Rune(a[i]));
            var bLetter = Rune.IsLetter(new Rune(b[i]));
            if (aLetter && bLetter)
            {
                return a[i] < b[i];
            }

            if (aLetter || bLetter)
            {
                return bLetter;
            }

            long aNumber = 0;
            long bNumber = 0;
            if (a[i] == '0' || b[i] == '0')
            {
                // Inside a number that already has a non-zero digit, a zero is an ordinary digit, not padding.
                for (var j = i - 1; j >= 0 && IsDigit(a[j]); j--)
                {
                    if (a[j] != '0')
                    {
                        aNumber = 1;
                        bNumber = 1;
                        break;
                    }
                }
            }

            var aEnd = i;
            for (; aEnd < a.Length && IsDigit(a[aEnd]); aEnd++)
            {
                aNumber = unchecked((aNumber * 10) + (a[aEnd] - '0'));
            }

            var bEnd = i;
            for (; bEnd < b.Length && IsDigit(b[bEnd]); bEnd++)
            {
                bNumber = unchecked((bNumber * 10) + (b[bEnd] - '0'));
            }

            if (aNumber != bNumber)
            {
                return aNumber < bNumber;
            }

            if (aEnd != bEnd)
            {
                return aEnd < bEnd;
            }

            return a[i] < b[i];
        }

        return a.Length < b.Length;
    }

    private static bool IsDigit(int codePoint) => Rune.IsDigit(new Rune(codePoint));
}
