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
