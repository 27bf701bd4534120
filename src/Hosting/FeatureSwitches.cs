using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>
/// The switches (ours) of what a host adds to every request beyond its answer, each on by default. Read while the host
/// is built, as Orleans reads its provider types: each decides what is added, so that a switch that is off costs nothing.
/// Off is for shedding a feature, or for measuring what it costs (the bench's cost table switches each off in turn).
/// </summary>
public static class FeatureSwitches
{
    /// <summary><c>Dashboard:Enabled</c>: the Orleans dashboard (silos collect its figures and profile grain calls, gateways serve its page at <c>/dashboard/index.html</c>). It has no login.</summary>
    public const string Dashboard = "Dashboard:Enabled";

    /// <summary><c>Telemetry:Metrics</c>: OpenTelemetry's metrics, served on <c>/metrics</c> for Prometheus.</summary>
    public const string Metrics = "Telemetry:Metrics";

    /// <summary><c>Telemetry:RequestCounting</c>: the stack's own count of answers per route and status (<c>autopilot_requests_total</c>).</summary>
    public const string RequestCounting = "Telemetry:RequestCounting";

    /// <summary>
    /// <c>Telemetry:Tracing</c>: traces (ASP.NET Core, HttpClient, Orleans' grain calls carried from gateway to silo), exported
    /// over OTLP where <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and sampled as <c>OTEL_TRACES_SAMPLER</c> says.
    /// </summary>
    public const string Tracing = "Telemetry:Tracing";

    /// <summary>Whether the switch <paramref name="key"/> is on; a value other than true or false is bad configuration (exit 2, one line naming the key).</summary>
    public static bool On(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => true,
        var value when bool.TryParse(value, out var on) => on,
        var value => throw new OptionsValidationException(key, typeof(bool), [$"{key} must be true or false; it is '{value}'."]),
    };

    /// <summary>Whether traces are recorded: switched on, and somewhere to send them.</summary>
    public static bool Traces(IConfiguration configuration) =>
        On(configuration, Tracing) && !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
