using Autopilot.Hosting;
using Autopilot.Silo;

return await AutopilotHost.RunAsync(HostRole.Silo, args, builder => builder.AddAutopilotSilo(), app => app.MapLifeline(),
    isConfigurationError: e => e is OrleansConfigurationException);
