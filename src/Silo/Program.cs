using Autopilot.Hosting;
using Autopilot.Silo;

return await AutopilotHost.RunAsync(SiloHosting.Role, args, builder => builder.AddAutopilotSilo(), _ => { },
    isConfigurationError: e => e is OrleansConfigurationException);
