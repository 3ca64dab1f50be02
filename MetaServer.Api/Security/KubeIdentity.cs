using System.Security.Claims;
using MetaServer.Domain.Authorization;

namespace MetaServer.Api.Security;

/// <summary>An authenticated identity carrying its Kubernetes user info, so no request rebuilds it from claims.</summary>
internal sealed class KubeIdentity(UserInfo user, string authenticationType) : ClaimsIdentity(
    [new Claim(ClaimTypes.Name, user.Name), .. user.Groups.Select(g => new Claim(ClaimTypes.Role, g))], authenticationType)
{
    public UserInfo User { get; } = user;
}
