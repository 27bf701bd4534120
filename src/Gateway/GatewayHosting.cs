using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Contracts;
using Autopilot.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Autopilot.Gateway;

public static class GatewayHosting
{

    /// <summary>
    /// The Orleans client (clustering from <c>Orleans:Clustering:ProviderType</c>, else Consul when <c>Consul:Address</c> is set,
    /// else localhost), JSON, problem details, request deadlines, readiness and registration of the HTTP gateway. Orleans binds
    /// its own keys (<c>Orleans:ClusterId</c>, <c>Orleans:Messaging:ResponseTimeout</c>, ...) over the defaults set here.
    /// </summary>
    public static WebApplicationBuilder AddAutopilotGateway(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var consul = ConsulClientOptions.Load(configuration);
        var startup = StartupOptions.Load(configuration);
        var api = ApiOptions.Load(configuration);
        var dashboard = DashboardSwitch.Load(configuration);
        var providerType = configuration["Orleans:Clustering:ProviderType"];
        var clusterId = configuration["Orleans:ClusterId"] ?? ClusterDefaults.Id;
        var serviceId = configuration["Orleans:ServiceId"] ?? ClusterDefaults.Id;
        var services = builder.Services;

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes * 4);

        // Defaults first: Orleans binds its own section over them.
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = Deadlines.GatewayCall);
        services.AddAutopilotWireExceptions();
        builder.UseOrleansClient(client =>
        {
            if (providerType is not { Length: > 0 })
            {
                if (consul is null)
                {
                    client.UseLocalhostClustering(30000, serviceId, clusterId);
                }
                else
                {
                    client.UseConsulClustering(consul.CopyTo);
                }
            }

            client.UseConnectionRetryFilter<ConnectRetryFilter>();
            if (dashboard.Enabled)
            {
                // The dashboard has no login of its own: never stream the silos' logs through the front door.
                client.AddDashboard(options => options.HideTrace = true);
            }
            client.AddOutgoingGrainCallFilter<RejectedCallRetryFilter>();
        });

        services.AddSingleton<ClusterConnection>();
        services.AddSingleton<IClusterConnectionStatusObserver>(provider => provider.GetRequiredService<ClusterConnection>());
        services.AddSingleton(startup);
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        services.AddProblemDetails();
        services.AddExceptionHandler<ClusterExceptionHandler>();
        services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = api.RequestTimeout,
            WriteTimeoutResponse = Problems.WriteDeadlineExceeded,
        });
        if (consul is not null)
        {
            services.AddConsulRegistration(consul.CopyTo, provider =>
            {
                var url = ReachableUrl.Of(provider);
                return new ServiceRegistrationOptions
                {
                    Name = HostRole.Gateway.Name,
                    Address = url.Host,
                    Port = url.Port,
                    CheckUrl = new Uri(url, "health/ready").ToString(),
                    // Deregistered first; keep answering while the edge drops this gateway from its upstream.
                    DrainDelay = TimeSpan.FromSeconds(1),
                    Meta =
                    {
                        ["gateway_name"] = provider.GetRequiredService<GatewayIdentity>().Name,
                        ["cluster_id"] = clusterId,
                        ["metrics"] = new Uri(url, "metrics").ToString(),
                    },
                };
            });
        }

        var clustering = providerType is { Length: > 0 } ? $"{providerType} (Orleans:Clustering)" : consul is null ? "localhost (embedded)" : $"consul {consul.AddressUri}";
        services.AddSingleton(new GatewayModes(clustering, consul is not null));
        services.AddSingleton<GatewayIdentity>();
        services.AddSingleton<IReadyLine, GatewayReadyLine>();
        services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: [HostingExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>The page and the API of DESIGN.md, behind the error handling and the request deadline.</summary>
    public static WebApplication MapAutopilotGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestTimeouts();
        app.MapPage();
        app.MapCustomers();
        app.MapSales();
        app.MapCluster();
        // The Orleans dashboard, through the front door like the rest: http://<edge>/dashboard/index.html
        if (DashboardSwitch.Load(app.Configuration).Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return app;
    }
}
