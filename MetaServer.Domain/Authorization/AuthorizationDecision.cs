namespace MetaServer.Domain.Authorization;

/// <summary>An authorizer's answer; the reason names the binding that allowed it (what SelfSubjectAccessReview reports).</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string Reason)
{
    public static AuthorizationDecision Deny { get; } = new(false, "");
}
