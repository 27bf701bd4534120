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
        if (!string.IsNullOrWhiteSpace(configuration["Consul:Address"]))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("Consul", typeof(ClusterClientOptions),
                ["Consul:Address is set, but Consul clustering is not built yet (issue 4); unset it to run the embedded mode."]);
        }

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
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes * 4);

        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
            client.UseConnectionRetryFilter<ConnectRetryFilter>();
        });

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterExceptionHandler>();
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
