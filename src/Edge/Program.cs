using Autopilot.Edge;
using Microsoft.Extensions.Options;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAutopilotEdge();
    var app = builder.Build();
    app.MapAutopilotEdge();
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"autopilot edge: bad configuration: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (Environment.ExitCode != 0)
{
    // nginx died while the edge was still starting: the start was cancelled, the reason is logged above.
    await Console.Error.WriteLineAsync("autopilot edge: stopped while starting because nginx exited");
    return Environment.ExitCode;
}
