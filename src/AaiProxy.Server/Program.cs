using AaiProxy.Server.Hosting;

// `AaiProxy.Server <command>` runs an operator command (OperatorCommands.Usage) and exits; anything else runs the server.
var command = OperatorCommands.Parse(args);
var builder = WebApplication.CreateBuilder(command?.ConfigurationArguments ?? args);
if (command is not null)
{
    // The command's output is standard output; logs go to standard error.
    builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
}

builder.AddAaiProxy();
var app = builder.Build();

if (command is not null)
{
    return await OperatorCommands.RunAsync(app, command, Console.Out, Console.Error);
}

app.UseAaiProxy();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
