using MetaServer.Domain.Authorization;

namespace MetaServer.Domain.Authentication;

/// <summary>What checking a bearer token gave: the identity, or why it was refused (never the token itself).</summary>
public readonly record struct TokenVerdict(UserInfo? User, string? Refusal)
{
    public static TokenVerdict Refused(string why) => new(null, why);
}
