using Autopilot.Edge;
using Autopilot.Hosting;

return await AutopilotHost.RunAsync(EdgeHosting.Role, args, builder => builder.AddAutopilotEdge(), app => app.MapAutopilotEdge());
