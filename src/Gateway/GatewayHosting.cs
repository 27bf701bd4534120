using Autopilot.Clustering.Consul;
using Autopilot.Contracts;
using Autopilot.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Autopilot.Gateway;

public static class GatewayHosting
{
    private const string DashboardPath = "/dashboard";

    /// <summary>
    /// The HTTP gateway, step by step: the Orleans client (clustering chosen from configuration), the API's JSON, problem
    /// details and request deadline, its registration in Consul, and its readiness. Orleans binds its own keys
    /// (<c>Orleans:ClusterId</c>, <c>Orleans:Messaging:ResponseTimeout</c>, ...) over the defaults set here.
    /// </summary>
    public static WebApplicationBuilder AddAutopilotGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes * 4);

        // Defaults first: Orleans binds its own section over them.
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterDefaults.Id;
            o.ServiceId = ClusterDefaults.Id;
        });
        services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = Deadlines.GatewayCall);
        services.AddAutopilotWireExceptions();
        builder.UseOrleansClient(client =>
        {
            client.UseAutopilotClustering().UseClusterTls();
            client.Services.AddPeerLossSockets();
            if (FeatureSwitches.On(builder.Configuration, FeatureSwitches.Tracing))
            {
                // Each grain call carries the request's trace to the silo (README, Observability).
                client.AddActivityPropagation();
            }

            if (FeatureSwitches.On(builder.Configuration, FeatureSwitches.Dashboard))
            {
                // The dashboard has no login of its own: never stream the silos' logs through the front door.
                client.AddDashboard(options => options.HideTrace = true);
            }

            client.UseConnectionRetryFilter<ConnectRetryFilter>();
            if (FeatureSwitches.On(builder.Configuration, ApiOptions.RetryRejectedCalls))
            {
                client.AddOutgoingGrainCallFilter<RejectedCallRetryFilter>();
            }
        });

        services
            .AddGatewayApi()
            .AddGatewayRegistration(builder.Configuration);
        services.AddSingleton(new ETagSwitch(FeatureSwitches.On(builder.Configuration, ApiOptions.ETags)));
        var giveUpLostGatewayCalls = FeatureSwitches.On(builder.Configuration, ApiOptions.GiveUpLostGatewayCalls);
        services.AddSingleton(provider => new LostGatewayCalls(
            provider.GetRequiredService<ILogger<LostGatewayCalls>>(), giveUpLostGatewayCalls ? provider.GetService<GatewayLoss>() : null, provider.GetService<TimeProvider>()));
        services.AddSingleton<ClusterConnection>();
        services.AddSingleton<IClusterConnectionStatusObserver>(provider => provider.GetRequiredService<ClusterConnection>());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayIdentity>();
        services.AddSingleton<IReadyLine, GatewayReadyLine>();
        services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: [HostingExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>The page and the API (docs/architecture.md), behind the error handling and the request deadline.</summary>
    public static WebApplication MapAutopilotGateway(this WebApplication app)
    {
        app.CloseConnectionsWhileStopping();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (FeatureSwitches.On(app.Configuration, ApiOptions.Deadline))
        {
            app.UseRequestTimeouts();
        }

        app.MapPage();
        app.MapCustomers();
        app.MapSales();
        app.MapCluster();
        // .NET's own OpenAPI document of every route above, its answers and its problems: /openapi/v1.json
        app.MapOpenApi();
        // The Orleans dashboard, on the gateway's own port only (docs/security.md): http://<gateway>/dashboard/index.html
        if (FeatureSwitches.On(app.Configuration, FeatureSwitches.Dashboard))
        {
            app.MapDashboardWhenAsked();
        }

        return app;
    }

    /// <summary>
    /// The Orleans dashboard under <see cref="DashboardPath"/>, built when it is first asked for, not at start: Orleans'
    /// <c>MapOrleansDashboard</c> creates its asset provider at once, and that reads every file of the page into memory with a
    /// gzip copy of each (about 60 MB of an idle gateway's resident size; README, Benchmarks). Its routes live in a branch
    /// of their own (<see cref="IApplicationBuilder.New"/> gives a branch its own routing), behind this pipeline's error
    /// handling and request deadline.
    /// </summary>
    private static void MapDashboardWhenAsked(this WebApplication app)
    {
        var dashboard = new Lazy<RequestDelegate>(() =>
        {
            var branch = ((IApplicationBuilder)app).New();
            branch.UseRouting();
            branch.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(DashboardPath));
            return branch.Build();
        });
        app.MapWhen(context => context.Request.Path.StartsWithSegments(DashboardPath), branch => branch.Run(context => dashboard.Value(context)));
    }

    /// <summary>JSON through the source-generated context, problem details, the cluster's failures as statuses, the request deadline.</summary>
    private static IServiceCollection AddGatewayApi(this IServiceCollection services)
    {
        services.AddAutopilotOptions<ApiOptions, ApiOptions.Validator>(ApiOptions.Section);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddExceptionHandler<ClusterExceptionHandler>();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiOptions>>((o, api) => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = api.Value.RequestTimeout,
            WriteTimeoutResponse = Problems.WriteDeadlineExceeded,
        });
        return services;
    }
}
