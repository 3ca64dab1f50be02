using System.Text.Json.Nodes;

namespace MetaServer.Domain.Messages;

/// <summary>
/// What to store from the cloud's answer to a <see cref="RoutingKind.Remote"/> request. Whatever is stored, the answer
/// then goes to the agent and is acknowledged to the cloud with OK.
/// </summary>
/// <param name="Store">Whether to store <paramref name="Content"/> under the answer's resource string.</param>
/// <param name="Content">The value to store: the whole answer, or the object of an object answer.</param>
public sealed record RemoteAnswer(bool Store, JsonNode? Content)
{
    private static readonly RemoteAnswer Nothing = new(false, null);

    /// <summary>
    /// Reads the answer's content: "OK" has nothing to store; an object answer (<c>{"Object":...,"Err":...}</c>, both
    /// members present) stores its <c>Object</c> unless <c>Err</c> is set; anything else, such as a query answer, is
    /// stored as it is.
    /// </summary>
    public static RemoteAnswer Interpret(Message answer)
    {
        if (answer.ContentIsOk())
            return Nothing;
        if (answer.Content is JsonObject content && content.TryGetPropertyValue("Object", out var stored) && content.ContainsKey("Err"))
        {
            // A Go error has no exported fields, so a set Err arrives as {} and an unset one as null.
            return content["Err"] is null ? new RemoteAnswer(true, stored) : Nothing;
        }
        return new RemoteAnswer(true, answer.Content);
    }
}
