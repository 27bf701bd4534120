using Autopilot.Hosting;
using Autopilot.Silo;

return await AutopilotHost.RunAsync(HostRole.Silo, args, builder => builder.AddAutopilotSilo(), _ => { },
    isConfigurationError: e => e is OrleansConfigurationException);
