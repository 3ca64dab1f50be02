using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace MetaServer.Domain.Storage;

/// <summary>
/// The opaque <c>continue</c> value of a paginated list, in the apiserver's own shape: base64url (no padding) of
/// <c>{"v":"meta.k8s.io/v1","rv":&lt;revision&gt;,"start":"&lt;key&gt;"}</c>. The next page is read at
/// <see cref="ResourceVersion"/> from the first key after <see cref="StartAfterKey"/>.
/// </summary>
public readonly record struct ContinueToken(long ResourceVersion, string StartAfterKey)
{
    private const string Version = "meta.k8s.io/v1";
    private const string InvalidPrefix = "continue key is not valid: ";

    // Far above any real key; stops a client from making us decode and parse megabytes.
    private const int MaxEncodedLength = 8192;

    public string Encode()
    {
        var json = new ArrayBufferWriter<byte>(64 + StartAfterKey.Length);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("v"u8, Version);
            writer.WriteNumber("rv"u8, ResourceVersion);
            writer.WriteString("start"u8, StartAfterKey);
            writer.WriteEndObject();
        }
        return Base64Url.EncodeToString(json.WrittenSpan);
    }

    /// <summary>
    /// Reads a token a client sent back. Anything it did not get from <see cref="Encode"/> (or that was altered so
    /// it could range outside the listed keys) is refused with a message starting "continue key is not valid: ".
    /// </summary>
    public static bool TryDecode(string? text, out ContinueToken token, [NotNullWhen(false)] out string? error)
    {
        token = default;
        if (string.IsNullOrEmpty(text))
            return Fail("the token is empty", out error);
        if (text.Length > MaxEncodedLength)
            return Fail($"the token is longer than {MaxEncodedLength} characters", out error);
        // Checked by hand because the decoder would also let padding and whitespace through.
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
                return Fail("the token is not unpadded base64url", out error);
        }

        var json = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        // The OperationStatus overload reports a bad length as InvalidData; TryDecodeFromChars throws for it.
        if (Base64Url.DecodeFromChars(text, json, out _, out var length) != OperationStatus.Done)
            return Fail("the token is not unpadded base64url", out error);
        if (!TryReadJson(json.AsSpan(0, length), out var version, out var resourceVersion, out var start))
            return Fail("the token does not hold the expected JSON object", out error);

        if (version != Version)
            return Fail($"server does not recognize this encoded version \"{version}\"", out error);
        if (resourceVersion <= 0)
            return Fail($"incorrect encoded start resourceVersion {resourceVersion} (version {Version})", out error);
        if (string.IsNullOrEmpty(start))
            return Fail($"encoded start key empty (version {Version})", out error);
        if (start[0] != '/')
            return Fail($"start key \"{start}\" does not begin with '/'", out error);
        if (HasDotSegment(start))
            return Fail($"start key \"{start}\" contains a '.' or '..' segment", out error);

        token = new ContinueToken(resourceVersion, start);
        error = null;
        return true;
    }

    private static bool TryReadJson(ReadOnlySpan<byte> json, out string? version, out long resourceVersion, out string? start)
    {
        version = null;
        resourceVersion = 0;
        start = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("v"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                        return false;
                    version = reader.GetString();
                }
                else if (reader.ValueTextEquals("rv"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out resourceVersion))
                        return false;
                }
                else if (reader.ValueTextEquals("start"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                        return false;
                    start = reader.GetString();
                }
                else
                {
                    // Unknown members are skipped, as Go's decoder does, so a newer server's tokens still read.
                    reader.Read();
                    reader.Skip();
                }
            }
            // The object must be closed and nothing may follow it.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            // Utf8JsonReader reports malformed input only by throwing; it is still just an invalid token here.
            return false;
        }
    }

    // A ".." (or ".") segment could step the range query outside the resource's key prefix.
    private static bool HasDotSegment(string key)
    {
        foreach (var range in key.AsSpan().Split('/'))
        {
            var segment = key.AsSpan()[range];
            if (segment is "." or "..")
                return true;
        }
        return false;
    }

    private static bool Fail(string reason, out string error)
    {
        error = InvalidPrefix + reason;
        return false;
    }
}
