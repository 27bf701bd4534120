using System.Threading.RateLimiting;
using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Autopilot.Edge;

public static class EdgeHosting
{
    private const string NoGateway =
        """{"type":"about:blank","title":"No gateway is available.","status":503,"detail":"No gateway passes its health check in Consul right now; retry shortly."}""";

    /// <summary>The watch of Consul, the coalescing applier, nginx or YARP, the edge's own registration and health.</summary>
    public static WebApplicationBuilder AddAutopilotEdge(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var edge = EdgeOptions.Read(configuration);
        if (!ConsulClientOptions.Configured(configuration))
        {
            throw new OptionsValidationException(ConsulClientOptions.Section, typeof(ConsulClientOptions),
                [$"{ConsulClientOptions.AddressKey} is required: the edge follows the gateways registered in Consul."]);
        }

        var door = edge.ResolveFrontDoor();

        var status = (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : HostRole.Edge.DefaultUrl).Split(';');
        builder.WebHost.UseUrls(door.Mode == EdgeMode.Yarp ? [.. status, $"http://{edge.Listen}"] : status);
        if (door.Mode == EdgeMode.Yarp)
        {
            // The YARP front door shares Kestrel with the status endpoints: keep health and /metrics to the status port.
            builder.Services.AddSingleton(new StatusHosts([.. status.Select(url => $"*:{PortOf(url)}")]));
        }

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, EdgeJsonContext.Default));
        builder.Services.AddSingleton(edge);
        builder.Services.AddSingleton(Options.Create(edge));
        builder.Services.AddSingleton(door);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EdgeStatus>();
        builder.Services.AddSingleton<UpstreamChanges>();
        builder.Services.AddConsulClient();
        if (door.Mode == EdgeMode.Nginx)
        {
            builder.Services.AddSingleton<NginxFiles>();
            builder.Services.AddSingleton<NginxCommand>();
            builder.Services.AddSingleton<NginxReloadVerifier>();
            builder.Services.AddSingleton<NginxProcess>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<NginxProcess>());
            builder.Services.AddSingleton<IUpstreamSink, NginxSink>();
        }
        else
        {
            builder.Services.AddReverseProxy().LoadFromMemory(YarpSink.Routes(edge), [YarpSink.Cluster([])]);
            builder.Services.AddRateLimiter(limits => PerClientLimits(limits, edge));
            builder.Services.AddSingleton<IUpstreamSink, YarpSink>();
        }

        builder.Services.AddHostedService<GatewayWatcher>();
        builder.Services.AddHostedService<UpstreamApplier>();
        builder.Services.AddSingleton<IReadyLine, EdgeReadyLine>();
        builder.Services.AddHealthChecks().AddCheck<EdgeReadyCheck>(HostRole.Edge.Name, tags: [HostingExtensions.ReadyTag]);
        builder.Services.AddConsulRegistration(configuration, services =>
        {
            // Checked and scraped on its status port; registered at the front door, where traffic reaches it.
            var status = ReachableUrl.Of(services);
            var registration = ServiceRegistrationOptions.ForHost(HostRole.Edge.Name, status, ("mode", door.Name), ("status", status.ToString()));
            // Listening on every address (in a container), the front door is reached where the status endpoint is.
            registration.Address = edge.ListenHost is "0.0.0.0" or "*" or "+" or "[::]" ? status.Host : edge.ListenHost;
            registration.Port = edge.ListenPort;
            return registration;
        });
        return builder;
    }

    /// <summary>The edge's own endpoints on its status port, and in YARP mode the front door on <see cref="EdgeOptions.Listen"/>.</summary>
    public static WebApplication MapAutopilotEdge(this WebApplication app)
    {
        var edge = app.Services.GetRequiredService<EdgeOptions>();
        var own = app.MapGroup("");
        if (app.Services.GetRequiredService<FrontDoor>().Mode == EdgeMode.Yarp && app.Services.GetService<StatusHosts>() is { } status)
        {
            // The front door answers /health itself, like nginx; everything else on that port is proxied.
            own.RequireHost([.. status.Hosts]);
            app.MapGet("/health", () => Results.Text("""{"status":"ok","by":"yarp"}""", "application/json")).RequireHost($"*:{edge.ListenPort}");
            // Anything but the product's routes (PublicRoutes) is not found at the front door, as with nginx.
            app.MapFallback("/{**path}", () => Results.Text(PublicRoutes.NotFound, "application/problem+json", statusCode: StatusCodes.Status404NotFound))
                .RequireHost($"*:{edge.ListenPort}");
            app.UseRateLimiter();
            app.MapReverseProxy(proxy =>
            {
                proxy.Use(async (context, next) =>
                {
                    if (context.GetReverseProxyFeature().AvailableDestinations.Count == 0)
                    {
                        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        context.Response.ContentType = "application/problem+json";
                        await context.Response.WriteAsync(NoGateway);
                        return;
                    }

                    await next();
                });
                proxy.UseLoadBalancing();
                proxy.UsePassiveHealthChecks();
            });
        }

        own.MapGet("/upstreams", (EdgeStatus status) => TypedResults.Ok(status.Snapshot()));
        own.MapScrapeTargets();
        return app;
    }

    // nginx's limits in ASP.NET Core's rate limiter, per client address: a token bucket of BurstPerClient refilled at
    // RatePerClient a second, and at most ConnectionsPerClient requests in flight; past either, 429 problem+json.
    private static void PerClientLimits(RateLimiterOptions limits, EdgeOptions edge)
    {
        limits.AddPolicy(YarpSink.PerClient, context =>
        {
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "";
            return RateLimitPartition.Get(client, _ => RateLimiter.CreateChained(
                new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = edge.BurstPerClient,
                    TokensPerPeriod = edge.RatePerClient,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }),
                new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = edge.ConnectionsPerClient, QueueLimit = 0 })));
        });
        limits.OnRejected = async (rejected, cancellationToken) =>
        {
            rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            rejected.HttpContext.Response.ContentType = "application/problem+json";
            rejected.HttpContext.Response.Headers.RetryAfter = "1";
            await rejected.HttpContext.Response.WriteAsync(PublicRoutes.TooManyRequests, cancellationToken);
        };
    }

    private static int PortOf(string url) =>
        new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)).Port;
}
