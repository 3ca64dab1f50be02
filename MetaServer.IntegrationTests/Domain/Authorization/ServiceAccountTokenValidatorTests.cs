using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MetaServer.Domain.Authentication;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.Domain.Authorization;

/// <summary>Local verification of service account tokens: signature, issuer, audience, validity and subject.</summary>
public sealed class ServiceAccountTokenValidatorTests : IDisposable
{
    private const string Audience = "https://edgemeta";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private ServiceAccountTokenValidator Validator() =>
        new([TestTokens.Issuer], [Audience, TestTokens.Issuer], [ECDsa.Create(_key.ExportParameters(false)), RSA.Create(_rsa.ExportParameters(false))]);

    public void Dispose()
    {
        _key.Dispose();
        _rsa.Dispose();
    }

    [Fact]
    public void A_bound_token_gives_the_service_account_identity_and_groups()
    {
        var verdict = Validator().Validate(TestTokens.ServiceAccount(_key, "apps", "reader", audience: Audience), _now);
        Assert.Null(verdict.Refusal);
        Assert.Equal("system:serviceaccount:apps:reader", verdict.User!.Name);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"], verdict.User.Groups);
    }

    [Fact]
    public void RS256_tokens_verify_with_an_RSA_key()
    {
        var verdict = Validator().Validate(SignRs256(Claims()), _now);
        Assert.Equal("system:serviceaccount:apps:reader", verdict.User?.Name);
    }

    [Theory]
    [InlineData("exp", -120, "expired")]
    [InlineData("exp", -30, null)] // within the minute of leeway
    [InlineData("nbf", 120, "not valid yet")]
    [InlineData("nbf", 30, null)]
    public void Expiry_and_not_before_are_checked_with_a_minute_of_leeway(string claim, int offsetSeconds, string? refusal)
    {
        var claims = Claims();
        claims[claim] = _now.AddSeconds(offsetSeconds).ToUnixTimeSeconds();
        Assert.Equal(refusal, Validator().Validate(TestTokens.Sign(_key, claims), _now).Refusal);
    }

    [Theory]
    [InlineData("iss", "\"https://other\"", "issuer not accepted")]
    [InlineData("aud", "\"https://other\"", "audience not accepted")]
    [InlineData("aud", "[\"a\",\"b\"]", "audience not accepted")]
    [InlineData("sub", "\"jane\"", "subject is not a service account")]
    [InlineData("sub", "\"system:serviceaccount:apps:writer\"", "subject and kubernetes.io claims disagree")]
    [InlineData("exp", "\"tomorrow\"", "no expiry")]
    public void Claims_that_do_not_fit_are_refused(string claim, string json, string refusal)
    {
        var claims = Claims();
        claims[claim] = JsonNode.Parse(json);
        Assert.Equal(refusal, Validator().Validate(TestTokens.Sign(_key, claims), _now).Refusal);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("..")]
    [InlineData("eyJhbGciOiJub25lIn0.e30.")]
    public void Malformed_tokens_are_refused(string token) =>
        Assert.NotNull(Validator().Validate(token, _now).Refusal);

    [Fact]
    public void Unsigned_and_unknown_algorithms_are_refused()
    {
        var payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(Claims().ToJsonString()));
        var none = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none"}"""u8) + "." + payload + ".AAAA";
        var hs = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"HS256"}"""u8) + "." + payload + ".AAAA";
        Assert.Equal("unsupported signing algorithm", Validator().Validate(none, _now).Refusal);
        Assert.Equal("unsupported signing algorithm", Validator().Validate(hs, _now).Refusal);
    }

    [Fact]
    public void A_token_signed_by_another_key_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal("signature does not verify with any configured key", Validator().Validate(TestTokens.Sign(other, Claims()), _now).Refusal);
    }

    private JsonObject Claims() => JsonNode.Parse(TokenClaims(TestTokens.ServiceAccount(_key, "apps", "reader", audience: Audience)))!.AsObject();

    private static string TokenClaims(string token) =>
        System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));

    private string SignRs256(JsonObject claims)
    {
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"RS256"}"""u8);
        var payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _rsa.SignData(System.Text.Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }
}
