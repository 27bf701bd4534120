using Autopilot.Gateway;
using Autopilot.Hosting;

return await AutopilotHost.RunAsync(HostRole.Gateway, args, builder => builder.AddAutopilotGateway(), app => app.MapAutopilotGateway(),
    isConfigurationError: e => e is OrleansConfigurationException);
