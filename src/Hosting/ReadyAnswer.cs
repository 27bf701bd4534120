using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Hosting;

/// <summary>
/// What a host's <c>/health/ready</c> answers: <c>Healthy</c>, or the status and each failing check's reason
/// (<c>Unhealthy: silo: cut off from its peers: …</c>). Consul keeps that text as its check's output, where a client reads
/// why a silo is not ready.
/// </summary>
public static class ReadyAnswer
{
    /// <summary>
    /// The reason a silo gives when it reaches none of its two or more peers. Clients send no call through a silo whose
    /// check fails for this reason; a check that fails by timing out says nothing (a frozen silo, or a Consul agent short of CPU).
    /// </summary>
    public const string CutOffFromPeers = "cut off from its peers";

    public static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}").ToList();
        return context.Response.WriteAsync(failing.Count == 0 ? report.Status.ToString() : $"{report.Status}: {string.Join("; ", failing)}");
    }
}
