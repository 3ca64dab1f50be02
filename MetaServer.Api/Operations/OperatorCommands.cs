using MetaServer.Data;

namespace MetaServer.Api.Operations;

/// <summary>
/// The command-line verbs besides running the server: <c>--help</c> (the settings and their defaults) and
/// <c>backup --to=FILE</c> (an online copy of the database). They see the same configuration the server would.
/// </summary>
internal static class OperatorCommands
{
    private const string BackupVerb = "backup";

    /// <summary>The arguments without a verb, for the configuration's command-line source.</summary>
    public static string[] ServerArguments(string[] args) =>
        Array.FindAll(args, a => a is not (BackupVerb or "--help" or "-h" or "-?"));

    /// <summary>Runs a verb if the arguments name one and returns its exit code; null to run the server.</summary>
    public static int? Run(string[] args, WebApplicationBuilder builder)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.Out.Write(SettingsHelp.Render(builder.Services
                .Where(d => d.ServiceType == typeof(SettingsSection))
                .Select(d => (SettingsSection)d.ImplementationInstance!)));
            return 0;
        }

        return args.Contains(BackupVerb) ? Backup(builder.Configuration) : null;
    }

    private static int Backup(IConfiguration configuration)
    {
        var source = Path.GetFullPath(configuration.GetSection(StoreOptions.Section).Get<StoreOptions>()?.Path ?? new StoreOptions().Path);
        if (configuration["to"] is not { Length: > 0 } to)
        {
            Console.Error.WriteLine("backup: say where to with --to=FILE");
            return 2;
        }

        var target = Path.GetFullPath(to);
        try
        {
            DatabaseFile.Backup(source, target);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"backup of {source} failed: {ex.Message}");
            return 1;
        }

        var check = DatabaseFile.Verify(target);
        if (check != "ok")
        {
            Console.Error.WriteLine($"backup written to {target}, but its integrity check failed: {check}");
            return 1;
        }

        Console.Out.WriteLine($"backed up {source} to {target} ({new FileInfo(target).Length} bytes, integrity ok)");
        return 0;
    }
}
