using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>
/// The real application over a real SQLite file in a temp folder: in memory (TestServer) by default, or on
/// a real Kestrel listening on a free 127.0.0.1 port when an outside process (kubectl) must connect.
/// </summary>
public sealed class EdgeMetaServer : WebApplicationFactory<Program>
{
    private readonly bool _kestrel;
    private readonly TempFolder? _ownedFolder;
    private readonly Dictionary<string, string> _settings;

    public EdgeMetaServer(bool kestrel = false, string? databasePath = null, Dictionary<string, string>? settings = null)
    {
        _kestrel = kestrel;
        _settings = settings ?? [];
        if (databasePath is null)
        {
            _ownedFolder = new TempFolder();
            databasePath = Path.Combine(_ownedFolder.Path, "edgemeta.db");
        }

        DatabasePath = databasePath;
        if (kestrel)
        {
            UseKestrel();
        }
    }

    public string DatabasePath { get; }

    /// <summary>The base address of the Kestrel listener (after <see cref="StartServer"/>).</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", DatabasePath);
        builder.UseSetting("Storage:Synchronous", "NORMAL");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ownedFolder?.Dispose();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _ownedFolder?.Dispose();
    }
}
