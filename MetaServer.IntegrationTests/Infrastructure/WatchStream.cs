using System.Text.Json.Nodes;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>An open watch response, read one event (line) at a time with a deadline.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<WatchStream> OpenAsync(HttpClient client, string pathAndQuery)
    {
        var response = await client.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new WatchStream(response, reader);
    }

    /// <summary>The next event, or null at the end of the stream; fails the test if none comes in time.</summary>
    public async Task<(string Type, JsonObject Object)?> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var line = await _reader.ReadLineAsync(deadline.Token);
        if (line is null)
        {
            return null;
        }

        var node = JsonNode.Parse(line)!.AsObject();
        return (node["type"]!.GetValue<string>(), node["object"]!.AsObject());
    }

    /// <summary>The next event that is not a bookmark.</summary>
    public async Task<(string Type, JsonObject Object)> NextChangeAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout) ?? throw new Xunit.Sdk.XunitException("the watch ended");
            if (next.Type != "BOOKMARK")
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
