using Autopilot.Edge;
using Autopilot.Hosting;

return await AutopilotHost.RunAsync(HostRole.Edge, args, builder => builder.AddAutopilotEdge(), app => app.MapAutopilotEdge());
