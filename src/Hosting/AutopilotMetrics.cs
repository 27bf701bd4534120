using System.Diagnostics.Metrics;

namespace Autopilot.Hosting;

/// <summary>The stack's own meter; every host exports it on <c>/metrics</c> beside ASP.NET Core's, the runtime's and Orleans'.</summary>
public static class AutopilotMetrics
{
    public const string MeterName = "Autopilot";

    public static Meter Meter { get; } = new(MeterName);

    /// <summary>Requests by route template and status code.</summary>
    public static Counter<long> Requests { get; } = Meter.CreateCounter<long>("autopilot.http.requests", "{request}", "HTTP requests answered, by route and status");
}
