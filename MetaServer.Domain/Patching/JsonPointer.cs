namespace MetaServer.Domain.Patching;

/// <summary>An RFC 6901 JSON Pointer split into its unescaped reference tokens.</summary>
internal static class JsonPointer
{
    /// <summary>"" is the whole document; otherwise the pointer must start with '/'.</summary>
    public static string[]? Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            return null;
        }

        var tokens = pointer[1..].Split('/');
        for (var i = 0; i < tokens.Length; i++)
        {
            // ~1 first, then ~0, so "~01" reads as "~1" and not "/".
            tokens[i] = tokens[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        return tokens;
    }

    /// <summary>An array index token: digits without a leading zero ("0" itself is fine).</summary>
    public static bool TryIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0'))
        {
            return false;
        }

        foreach (var c in token)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
