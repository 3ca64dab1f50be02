using MetaServer.Api.Bus;
using MetaServer.Api.CloudLink;
using MetaServer.Api.Discovery;
using MetaServer.Api.Kubernetes;
using MetaServer.Api.MetaManager;
using MetaServer.Api.Observability;
using MetaServer.Api.Operations;
using MetaServer.Api.Security;
using MetaServer.Api.Storage;
using MetaServer.Api.Watch;

// Settings are read once, at start (a change takes a restart). Reloading them on change would watch the content
// root and everything under it — where the database lives by default (data/edgemeta.db) — and wake for every write
// to it: measured at ~9% of the server's CPU under message load.
var builder = WebApplication.CreateBuilder([.. OperatorCommands.ServerArguments(args), "--hostBuilder:reloadConfigOnChange=false"]);

builder.Services.AddStorage(builder.Configuration);
builder.Services.AddKubernetesApi(builder.Configuration);
builder.Services.AddDiscovery();
builder.Services.AddWatch(builder.Configuration);
builder.Services.AddBus(builder.Configuration);
builder.Services.AddMetaManager(builder.Configuration);
builder.Services.AddCloudLink(builder.Configuration);
builder.Services.AddSecurity(builder.Configuration);
builder.Services.AddObservability();
if (OperatorCommands.Run(args, builder) is { } exitCode)
{
    Environment.ExitCode = exitCode;
    return;
}

try
{
    var app = builder.Build();

    app.UseMiddleware<StatusExceptionMiddleware>();
    app.UseMiddleware<ResponseShapingMiddleware>();
    app.UseSecurity();
    app.MapOperations();
    app.MapStatus();
    app.MapObservability();
    app.MapDiscovery();
    app.MapOpenApi();
    app.MapKubernetesApi();
    app.MapFallback(() => KubeResults.Status(MetaServer.Domain.Kubernetes.KubeStatus.PathNotFound()));

    app.Run();
}
catch (MetaServer.Data.StoreDamagedException damaged)
{
    // A damaged database is not served: one clear line for the operator, not a crash dump.
    Console.Error.WriteLine(damaged.Message);
    Environment.ExitCode = 1;
}

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
