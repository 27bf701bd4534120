using System.Diagnostics.Metrics;
using Autopilot.Hosting;

namespace Autopilot.Edge;

/// <summary>The edge's own instruments on the stack's meter: reloads of the front door and the size of its upstream.</summary>
public static class EdgeMetrics
{
    public static Counter<long> Reloads { get; } = AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.edge.reloads", "{reload}", "Upstream changes put to the front door, by result (applied, refused, failed)");

    private static int upstreamSize;

    static EdgeMetrics() =>
        AutopilotMetrics.Meter.CreateObservableGauge("autopilot.edge.upstream.size", () => Volatile.Read(ref upstreamSize), "{gateway}", "Gateways in the front door's upstream");

    public static void UpstreamSize(int size) => Volatile.Write(ref upstreamSize, size);
}
