using MetaServer.Domain.Authentication;
using Microsoft.Extensions.Options;

namespace MetaServer.Api.Security;

/// <summary>Service account bearer tokens, checked against the configured issuers and keys; refused when none are configured.</summary>
internal sealed class BearerTokens(IOptions<SecuritySettings> settings, TimeProvider time)
{
    private readonly ServiceAccountTokenValidator? _validator = settings.Value.ServiceAccounts is { Enabled: true } accounts
        ? new ServiceAccountTokenValidator(accounts.Issuers, accounts.EffectiveAudiences, ServiceAccountKeys.Load(accounts.KeyFiles))
        : null;

    public TokenVerdict Authenticate(string token) =>
        _validator is null ? TokenVerdict.Refused("no service account issuers are configured") : _validator.Validate(token, time.GetUtcNow());
}
