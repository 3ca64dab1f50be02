using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace MetaServer.Api.Operations;

/// <summary>
/// The text of <c>--help</c>: every settings section registered with <c>AddSettings</c> and its keys with their
/// defaults, read by reflection from the settings classes themselves so the list cannot fall behind the code.
/// </summary>
internal static class SettingsHelp
{
    public static string Render(IEnumerable<SettingsSection> sections)
    {
        var text = new StringBuilder();
        text.AppendLine("EdgeMeta: a Kubernetes API metadata server for edge nodes.");
        text.AppendLine();
        text.AppendLine("Usage:");
        text.AppendLine("  MetaServer.Api [--Section:Key=value ...]                       run the server");
        text.AppendLine("  MetaServer.Api backup --to=FILE [--Storage:Path=DB]            copy the database online (SQLite backup API)");
        text.AppendLine("  MetaServer.Api --help                                          this text");
        text.AppendLine();
        text.AppendLine("Settings come from appsettings.json, environment variables (Section__Key) and the command line");
        text.AppendLine("(--Section:Key=value), later ones winning. Lists are indexed: --Section:Key:0=first.");
        text.AppendLine();
        text.AppendLine("Kestrel");
        text.AppendLine("  Kestrel:Endpoints:Http:Url = http://127.0.0.1:10550 (appsettings.json)");
        text.AppendLine("Logging");
        text.AppendLine("  Logging:LogLevel:Default = Information");
        text.AppendLine("  Logging:Console:FormatterName = simple (json: one JSON object a line, with scopes)");
        foreach (var group in sections.GroupBy(s => s.Section, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(group.Key);
            foreach (var section in group)
            {
                Describe(text, group.Key, Activator.CreateInstance(section.OptionsType)!);
            }
        }

        return text.ToString();
    }

    private static void Describe(StringBuilder text, string prefix, object instance)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = prefix + ":" + property.Name;
            var value = property.GetValue(instance);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && value is not null)
            {
                Describe(text, key, value);
                continue;
            }

            text.Append("  ").Append(key).Append(" = ").Append(Show(value));
            if (type.IsEnum)
            {
                text.Append(" (").Append(string.Join(" | ", Enum.GetNames(type))).Append(')');
            }

            text.AppendLine();
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "(not set)",
        string s => s.Length == 0 ? "\"\"" : s,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>()) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
