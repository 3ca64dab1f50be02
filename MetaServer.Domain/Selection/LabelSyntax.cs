namespace MetaServer.Domain.Selection;

/// <summary>The rules a label key and a label value must follow; each check returns why a string breaks them, or null.</summary>
internal static class LabelSyntax
{
    public const int MaxNameLength = 63;
    public const int MaxPrefixLength = 253;

    public static string? ValidateKey(string key)
    {
        var slash = key.IndexOf('/');
        if (slash < 0)
            return ValidateName(key);
        if (key.IndexOf('/', slash + 1) >= 0)
            return "a label key may contain at most one '/', "
                + "between an optional DNS subdomain prefix and the name";
        return ValidatePrefix(key.AsSpan(0, slash)) ?? ValidateName(key.AsSpan(slash + 1));
    }

    public static string? ValidateValue(string value)
    {
        if (value.Length > MaxNameLength)
            return $"must be no more than {MaxNameLength} characters";
        if (value.Length > 0 && !IsNameShaped(value))
            return "must be empty or consist of alphanumeric characters, '-', '_' or '.', "
                + "and must start and end with an alphanumeric character";
        return null;
    }

    private static string? ValidateName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
            return "name part must be non-empty";
        if (name.Length > MaxNameLength)
            return $"name part must be no more than {MaxNameLength} characters";
        if (!IsNameShaped(name))
            return "name part must consist of alphanumeric characters, '-', '_' or '.', "
                + "and must start and end with an alphanumeric character";
        return null;
    }

    private static string? ValidatePrefix(ReadOnlySpan<char> prefix)
    {
        if (prefix.IsEmpty)
            return "prefix part must be non-empty";
        if (prefix.Length > MaxPrefixLength)
            return $"prefix part must be no more than {MaxPrefixLength} characters";
        foreach (var range in prefix.Split('.'))
        {
            if (!IsDnsLabelShaped(prefix[range]))
                return "prefix part must be a DNS subdomain: dot-separated parts of lower-case alphanumeric "
                    + "characters or '-', each starting and ending with an alphanumeric character";
        }
        return null;
    }

    // [A-Za-z0-9] at both ends, [-A-Za-z0-9_.] in between.
    private static bool IsNameShaped(ReadOnlySpan<char> text)
    {
        if (!char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
            return false;
        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
                return false;
        }
        return true;
    }

    // [a-z0-9] at both ends, [-a-z0-9] in between.
    private static bool IsDnsLabelShaped(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty || !IsLowerAlphanumeric(label[0]) || !IsLowerAlphanumeric(label[^1]))
            return false;
        for (var i = 1; i < label.Length - 1; i++)
        {
            if (!IsLowerAlphanumeric(label[i]) && label[i] != '-')
                return false;
        }
        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
