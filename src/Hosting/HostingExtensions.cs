using System.Diagnostics;
using Autopilot.Hosting;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The plumbing every host of the stack shares, wired once (in the manner of a ServiceDefaults project).</summary>
public static class HostingExtensions
{
    /// <summary>The tag of the health checks that <c>/health/ready</c> runs; <c>/health/live</c> runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// The most series (distinct sets of tags) that one metric keeps; measurements beyond them are summed in one series tagged
    /// <c>otel_metric_overflow="true"</c>, so no count is lost. OpenTelemetry's default, 2,000, sets aside every metric's points
    /// when the instrument is created, whether they are used or not: an idle silo's 232 instruments held 33 MB of them on the
    /// large-object heap, a gateway's 69 held 10 MB (bench/README.md, "Idle memory"). The stack's metric with the most series,
    /// answers by route, method and status, has a few dozen.
    /// </summary>
    public const int MetricSeriesLimit = 200;

    /// <summary>
    /// Logging (one line per event, quiet frameworks), the default URL, health checks, OpenTelemetry (metrics of Orleans,
    /// ASP.NET Core, HttpClient, the runtime and the stack's own meter, exported on <c>/metrics</c>; traces and logs exported
    /// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; each part switched as <see cref="FeatureSwitches"/> says) and
    /// the ready and stopping lines.
    /// </summary>
    public static WebApplicationBuilder AddAutopilotHost(this WebApplicationBuilder builder, HostRole role)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(role.DefaultUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // A silo that goes away makes every connection to it log; membership and the stack's own lines say it once.
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error);
        // Retries log their own one line (waiting for Consul, Redis); Polly's per-attempt telemetry only repeats them.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // A host that fails to start says so itself, in one line (AutopilotHost); the generic host's own line repeats it with a stack.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        builder.Services.AddSingleton(role);
        // On SIGTERM: deregister, drain, hand grains over, within the budget's shutdown (the process manager waits longer); a stop
        // that overruns it ends the process itself (StopDeadline).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Deadlines.HostShutdown);
        builder.Services.AddAutopilotOptions<StartupOptions, StartupOptions.Validator>(StartupOptions.Section);
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<ReadyAnnouncer>();
        builder.Services.AddHostedService<StopDeadline>();

        var configuration = builder.Configuration;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService($"autopilot-{role.Name}"));
        if (FeatureSwitches.On(configuration, FeatureSwitches.Metrics))
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", AutopilotMetrics.MeterName)
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricSeriesLimit })
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        }

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Logs and traces go to the OTLP endpoint (the viewer of ./autopilot up shows them side by side); metrics stay on
            // /metrics, which Prometheus scrapes: exporting them too would collect every instrument twice (issue 21).
            telemetry.WithLogging(logging => logging.AddOtlpExporter());
            if (FeatureSwitches.Traces(configuration))
            {
                // Traces only where they go somewhere: every request would otherwise pay for activities nobody reads.
                // A trace is a request's: the host's own endpoints (probed every few seconds) record none, as in Aspire's
                // ServiceDefaults, and neither does an HTTP call made outside any request (the Consul watches' polling): the
                // filter sees the call's own activity as the current one, and it has a parent only inside another.
                telemetry.WithTracing(tracing => tracing
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOwnEndpoint(context.Request.Path))
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = _ => Activity.Current?.Parent is not null)
                    .AddOtlpExporter());
            }
        }

        return builder;
    }

    /// <summary>Whether <paramref name="path"/> is one of the host's own endpoints (health, metrics), which no trace records.</summary>
    public static bool IsOwnEndpoint(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (the checks tagged ready), <c>/metrics</c>, and request counting (each where switched on).</summary>
    public static WebApplication MapAutopilotHost(this WebApplication app)
    {
        if (FeatureSwitches.On(app.Configuration, FeatureSwitches.RequestCounting))
        {
            app.Use(async (context, next) =>
            {
                await next(context);
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(none)";
                AutopilotMetrics.Requests.Add(1, new("route", route), new("status", context.Response.StatusCode));
            });
        }

        var own = app.MapGroup("");
        if (app.Services.GetService<StatusHosts>() is { } status)
        {
            own.RequireHost([.. status.Hosts]);
        }

        own.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        own.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = ReadyAnswer.Write });
        if (FeatureSwitches.On(app.Configuration, FeatureSwitches.Metrics))
        {
            own.MapPrometheusScrapingEndpoint();
        }

        return app;
    }
}
