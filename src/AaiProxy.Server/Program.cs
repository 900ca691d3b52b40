using AaiProxy.Server.Hosting;
using AaiProxy.Server.Storage;

// `AaiProxy.Server migrate` applies database migrations and exits; anything else runs the server.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
builder.AddAaiProxy();
var app = builder.Build();

if (migrateOnly)
{
    app.Services.GetRequiredService<DatabaseInitializer>().Migrate();
    return 0;
}

app.UseAaiProxy();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
