using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MetaServer.Api.Operations;
using MetaServer.Data;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MetaServer.Api.Security;

/// <summary>
/// HTTPS with client certificates, service account tokens and RBAC. <c>Security:Mode</c> is Enforce when
/// <c>Security:Tls</c> is configured and None (no authentication, everyone an administrator) otherwise, which is
/// only allowed on loopback unless <c>Security:AllowInsecureHttp</c> says so.
/// </summary>
internal static partial class SecuritySetup
{
    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SecuritySettings>(configuration, SecuritySettings.Section,
            s => s.Validate() ?? ListenerProblem(configuration, s) ?? UnreadableFile(s));
        var settings = Read(configuration);

        if (settings.Tls.Enabled)
        {
            services.AddSingleton<TlsCertificates>();
            services.AddSingleton<ICertificateValidationCache, CertificateValidationCache>();
            services.AddAuthentication().AddCertificate();
            services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
                .Configure<TlsCertificates>((o, certificates) =>
                {
                    // Only certificates issued under the configured CA, in their validity, meant for client authentication.
                    o.AllowedCertificateTypes = CertificateTypes.Chained;
                    o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                    o.CustomTrustStore = certificates.ClientCa;
                    o.RevocationMode = settings.Tls.RevocationMode;
                    o.ValidateCertificateUse = true;
                    o.ValidateValidityPeriod = true;
                    o.Events = new CertificateAuthenticationEvents
                    {
                        OnCertificateValidated = context =>
                        {
                            if (CertificateIdentity.From(context.ClientCertificate) is { } user)
                            {
                                context.Principal = new System.Security.Claims.ClaimsPrincipal(new KubeIdentity(user, context.Scheme.Name));
                                context.Success();
                            }
                            else
                            {
                                context.Fail("the certificate subject has no common name");
                            }

                            return Task.CompletedTask;
                        },
                    };
                });
            services.AddOptions<KestrelServerOptions>().Configure<TlsCertificates>((kestrel, certificates) =>
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                    https.ServerCertificateSelector = (_, _) => certificates.ServerCertificate;
                    // Kestrel wants a certificate or selector configured; each handshake then gets the cached
                    // context of the current certificate instead, which spares SslStream a chain build per connection.
                    https.OnAuthenticate = (_, ssl) =>
                    {
                        ssl.ServerCertificateSelectionCallback = null;
                        ssl.ServerCertificate = null;
                        ssl.ServerCertificateContext = certificates.ServerCertificateContext;
                    };
                    https.ClientCertificateMode = settings.Tls.ClientCertificateMode;
                    // Kestrel would check client certificates against the machine's roots; the certificate
                    // authentication handler checks them against the configured CA instead.
                    https.AllowAnyClientCertificate();
                }));
        }

        // Tokens are checked with the configured keys in any mode: a cloud instance answers TokenReviews with them.
        services.AddSingleton<BearerTokens>();
        if (settings.EffectiveMode == SecurityMode.Enforce)
        {
            services.AddSingleton<RbacAuthorizer>();
            services.AddSingleton<IChangeObserver>(sp => sp.GetRequiredService<RbacAuthorizer>());
            services.AddSingleton<UpstreamTokenReviews>();
        }

        return services;
    }

    /// <summary>Authentication and authorization in front of every endpoint (when enforced), and the self-review endpoints.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        if (Read(app.Configuration).EffectiveMode == SecurityMode.Enforce)
        {
            app.UseMiddleware<SecurityMiddleware>();
        }
        else
        {
            Log.Unsecured(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecuritySetup).FullName!));
        }

        app.MapAccessReviews();
        return app;
    }

    private static SecuritySettings Read(IConfiguration configuration) =>
        configuration.GetSection(SecuritySettings.Section).Get<SecuritySettings>() ?? new SecuritySettings();

    // Plain HTTP only on loopback (unless allowed), HTTPS only with a certificate, and a certificate only with HTTPS.
    private static string? ListenerProblem(IConfiguration configuration, SecuritySettings settings)
    {
        var urls = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => (Setting: $"Kestrel:Endpoints:{e.Key}:Url", Url: e["Url"]))
            .Concat((configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => (Setting: "urls", Url: (string?)u)))
            .Where(e => !string.IsNullOrEmpty(e.Url))
            .ToArray();
        var anyHttps = false;
        foreach (var (setting, url) in urls)
        {
            if (url!.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                anyHttps = true;
                if (!settings.Tls.Enabled)
                {
                    return $"{setting} is https ({url}) but Security:Tls:CertificateFile is not set";
                }
            }
            else if (!settings.AllowInsecureHttp && !IsLoopback(url))
            {
                return $"{setting} serves plain HTTP on a non-loopback address ({url}); use HTTPS or set Security:AllowInsecureHttp=true";
            }
        }

        return settings.Tls.Enabled && urls.Length > 0 && !anyHttps
            ? "Security:Tls is configured but no Kestrel endpoint is https (e.g. --Kestrel:Endpoints:Http:Url=https://127.0.0.1:10550)"
            : null;
    }

    private static bool IsLoopback(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']') + 1)] : rest.Split(':', '/')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    private static string? UnreadableFile(SecuritySettings settings)
    {
        try
        {
            if (settings.Tls.Enabled)
            {
                TlsCertificates.LoadServerCertificate(settings.Tls.CertificateFile!, settings.Tls.KeyFile!).Dispose();
                TlsCertificates.LoadCa(settings.Tls.ClientCaFile!);
            }

            if (settings.ServiceAccounts.Enabled)
            {
                ServiceAccountKeys.Load(settings.ServiceAccounts.KeyFiles);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            return $"Security: a certificate, key or CA file cannot be used: {ex.Message}";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
            Message = "Security:Mode is None: requests are not authenticated and everyone may do everything. For development on loopback only; configure Security:Tls for HTTPS with client certificates and RBAC.")]
        public static partial void Unsecured(ILogger logger);
    }
}
