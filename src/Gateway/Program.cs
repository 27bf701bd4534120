using Autopilot.Gateway;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAutopilotGateway();
    var app = builder.Build();
    app.MapAutopilotGateway();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"autopilot gateway: bad configuration: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    // Asked to stop (SIGTERM) before it had finished starting.
    await Console.Error.WriteLineAsync("autopilot gateway: stopped while starting");
    return Environment.ExitCode;
}
