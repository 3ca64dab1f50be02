using Microsoft.Extensions.Options;

namespace MetaServer.Api.Operations;

/// <summary>
/// Validates a settings class with its own <c>Validate()</c> so that start-up fails with one message naming the
/// setting that is wrong (e.g. "Storage:Synchronous must be FULL, NORMAL or EXTRA"), not a generic one.
/// </summary>
internal sealed class SettingsValidation<TOptions>(Func<TOptions, string?> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        validate(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

internal static class SettingsValidationExtensions
{
    /// <summary>Binds a settings section, validates it with <paramref name="validate"/>, and checks it at start.</summary>
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<TOptions, string?> validate)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SettingsValidation<TOptions>(validate));
        services.AddSingleton(new SettingsSection(section, typeof(TOptions)));
        return services;
    }
}
