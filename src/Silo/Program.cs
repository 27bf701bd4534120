using Autopilot.Silo;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAutopilotSilo();
    var app = builder.Build();
    app.MapSiloHealth();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"autopilot silo: bad configuration: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    // Asked to stop (SIGTERM) before it had finished starting.
    await Console.Error.WriteLineAsync("autopilot silo: stopped while starting");
    return Environment.ExitCode;
}
