using Autopilot.Hosting;
using OpenTelemetry.Trace;

namespace Autopilot.Silo;

public static class SiloHosting
{
    /// <summary>
    /// Everything that makes this process a silo of the cluster, step by step. Orleans binds its own keys
    /// (<c>Orleans:ClusterId</c>, <c>Orleans:Name</c>, <c>Orleans:Endpoints:*</c>, <c>Orleans:Messaging:*</c>, ...) over the
    /// defaults set here; the stack's own sections are bound and checked at start (<see cref="AutopilotOptions"/>).
    /// </summary>
    public static WebApplicationBuilder AddAutopilotSilo(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddSiloIdentity(builder.Configuration)
            .AddSiloTuning(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseAutopilotClustering()
                .UseClusterTls()
                .ConfigureServices(services => services.AddPeerLossSockets());
            if (FeatureSwitches.On(builder.Configuration, FeatureSwitches.Tracing))
            {
                // A grain call carries its caller's trace: a request's trace runs from the gateway into every silo it reaches.
                silo.AddActivityPropagation();
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(SiloTracing.Sampler));
            }

            silo.AddAutopilotStorage()
                .AddAutopilotGrainServices();
        });
        builder.Services
            .AddSiloRegistration(builder.Configuration)
            .AddSiloOperations();
        return builder;
    }
}
