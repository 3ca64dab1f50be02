using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Domain.Kubernetes;
using MetaServer.Domain.Patching;
using MetaServer.Domain.Patching.Apply;

namespace MetaServer.Api.Kubernetes;

/// <summary>
/// Who a write is recorded for in <c>metadata.managedFields</c>, and when: the <c>fieldManager</c> query parameter,
/// else — as the apiserver does — the User-Agent up to its first '/' (kubectl names itself per command, e.g.
/// kubectl-edit, kubectl-client-side-apply; other clients are known by their agent's name).
/// </summary>
internal sealed record WriteManager(string Name, DateTimeOffset Now)
{
    private const int MaxLength = 128;

    public string Time => ObjectRules.Timestamp(Now);

    public static WriteManager For(ApiRequest request)
    {
        var clock = request.Http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var name = request.Query("fieldManager") is { Length: > 0 } given ? given : FromUserAgent(request.Http.Request.Headers.UserAgent.ToString());
        return new WriteManager(name, clock.GetUtcNow());
    }

    /// <summary>The field sets of <paramref name="type"/> for a write to <paramref name="subresource"/>.</summary>
    public static ObjectFields FieldsOf(ResourceType type, string subresource) =>
        new(PatchStrategies.Find(type.Group, type.Kind) ?? PatchSchema.Untagged,
            ignoreStatus: type.HasSubresource("status") && subresource != "status");

    /// <summary>
    /// Records a create (<paramref name="live"/> null), update or non-apply patch on <paramref name="result"/>'s
    /// managedFields; a managedFields list in the body that cannot be read is refused (422).
    /// <para>
    /// Bounded on purpose: only objects that already carry managedFields (put there by an apply, or brought by the
    /// client) are tracked. The apiserver tracks every object, but that costs every write a structural diff and
    /// grows a typical pod by ~70% (its creator's FieldsV1), which measured at 1.5–2× slower creates and status
    /// writes here; untracked objects keep today's write path. What is lost: an apply to an object created by a
    /// plain POST does not conflict with its creator (there is no owner to conflict with), and the apply takes
    /// ownership of the fields it sets.
    /// </para>
    /// </summary>
    public KubeStatus? RecordUpdate(ResourceType type, string subresource, string name, byte[]? live, JsonObject result)
    {
        if (!IsTracked(live, result))
        {
            return null;
        }

        JsonElement? stored = live is null ? null : JsonSerializer.Deserialize<JsonElement>(live);
        var problem = FieldManager.RecordUpdate(stored, result, FieldsOf(type, subresource), Name, type.ApiVersion, subresource, Time);
        return problem is null
            ? null
            : KubeStatus.Invalid(type.Group, type.Kind, name, [new("FieldValueInvalid", "Invalid value: " + problem, "metadata.managedFields")]);
    }

    private static bool IsTracked(byte[]? live, JsonObject result) =>
        (live is not null && live.AsSpan().IndexOf("\"managedFields\""u8) >= 0)
        || result["metadata"]?["managedFields"] is JsonArray { Count: > 0 };

    /// <summary>The fieldManager checks every write verb shares: at most 128 characters, all printable.</summary>
    public static StatusCause? Check(string? fieldManager)
    {
        if (fieldManager is null)
        {
            return null;
        }

        if (fieldManager.Length > MaxLength)
        {
            return new("FieldValueTooLong", $"Too long: may not be more than {MaxLength} bytes", "fieldManager");
        }

        for (var i = 0; i < fieldManager.Length; i++)
        {
            if (char.IsControl(fieldManager[i]))
            {
                return new("FieldValueInvalid", $"Invalid value: \"{fieldManager}\": invalid character at position {i}", "fieldManager");
            }
        }

        return null;
    }

    private static string FromUserAgent(string userAgent)
    {
        var slash = userAgent.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash < 0 ? userAgent : userAgent[..slash];
        var name = new StringBuilder(Math.Min(prefix.Length, MaxLength));
        foreach (var c in prefix)
        {
            if (name.Length >= MaxLength)
            {
                break;
            }

            if (!char.IsControl(c))
            {
                name.Append(c);
            }
        }

        return name.ToString();
    }
}
