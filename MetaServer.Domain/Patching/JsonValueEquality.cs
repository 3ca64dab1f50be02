using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaServer.Domain.Patching;

/// <summary>Deep equality of JSON values as RFC 6902 "test" defines it: members in any order, numbers by value.</summary>
public static class JsonValueEquality
{
    public static bool AreEqual(JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (null, _) or (_, null):
                return false;
            case (JsonObject x, JsonObject y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                foreach (var (name, value) in x)
                {
                    if (!y.TryGetPropertyValue(name, out var other) || !AreEqual(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!AreEqual(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonValue x, JsonValue y):
                var kx = x.GetValueKind();
                var ky = y.GetValueKind();
                if (kx != ky)
                {
                    return false;
                }

                return kx switch
                {
                    JsonValueKind.Number => x.GetValue<decimal>() == y.GetValue<decimal>(),
                    JsonValueKind.String => x.GetValue<string>() == y.GetValue<string>(),
                    _ => true, // true, false and null carry no more than their kind
                };
            default:
                return false;
        }
    }
}
