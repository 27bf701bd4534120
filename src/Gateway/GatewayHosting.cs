using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Orleans.Configuration;

namespace Autopilot.Gateway;

public static class GatewayHosting
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>The Orleans client, JSON, problem details, health checks and limits of the HTTP gateway.</summary>
    public static WebApplicationBuilder AddAutopilotGateway(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var orleans = ClusterClientOptions.Load(configuration);
        var consul = ConsulClientOptions.Load(configuration);

        if (string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes * 4);

        builder.UseOrleansClient(client =>
        {
            if (consul is null)
            {
                client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
            }
            else
            {
                client.UseConsulClustering(consul.CopyTo);
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = orleans.ClusterId;
                    o.ServiceId = orleans.ServiceId;
                });
            }

            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
            client.UseConnectionRetryFilter<ConnectRetryFilter>();
            client.AddOutgoingGrainCallFilter<RejectedCallRetryFilter>();
        });

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterExceptionHandler>();
        if (consul is not null)
        {
            builder.Services.AddConsulRegistration(consul.CopyTo, services =>
            {
                var url = ReachableUrl.Of(services);
                return new ServiceRegistrationOptions
                {
                    Name = "gateway",
                    Address = url.Host,
                    Port = url.Port,
                    CheckUrl = new Uri(url, "health/ready").ToString(),
                    // Deregistered first; keep answering while the edge drops this gateway from its upstream.
                    DrainDelay = TimeSpan.FromSeconds(1),
                    Meta = { ["gateway_name"] = services.GetRequiredService<GatewayIdentity>().Name, ["cluster_id"] = orleans.ClusterId },
                };
            });
        }

        builder.Services.AddSingleton(new GatewayMode(consul is null ? "localhost (embedded)" : $"consul {consul.AddressUri}"));
        builder.Services.AddSingleton<GatewayIdentity>();
        builder.Services.AddHostedService<ReadyAnnouncer>();
        builder.Services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    /// <summary>The page, the API of DESIGN.md and the health endpoints.</summary>
    public static WebApplication MapAutopilotGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapPage();
        app.MapCustomers();
        app.MapSales();
        app.MapCluster();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
