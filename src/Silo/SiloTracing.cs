using OpenTelemetry.Trace;

namespace Autopilot.Silo;

/// <summary>
/// How a silo samples its traces: it continues the traces its callers sampled and starts none of its own. Orleans' incoming
/// filter makes every call that arrives without a trace the root of a new one (the calls of the requests a gateway did not
/// sample, membership probes, load reports, timers), and the ratio sampler the environment names for every host
/// (<c>OTEL_TRACES_SAMPLER=parentbased_traceidratio</c>) then kept one of each hundred of those roots: of the last 1,000
/// traces a local stack's viewer held, 722 began on a silo, cut off from any request (a grain's <c>Get</c>, a probe), and
/// 87 were requests that began at a gateway. Traces begin where requests enter, at the gateways; the ratio is theirs.
/// </summary>
public static class SiloTracing
{
    /// <summary>A sampled parent is followed, wherever it comes from; a call with no parent, or an unsampled one, is not traced.</summary>
    public static Sampler Sampler { get; } = new ParentBasedSampler(new AlwaysOffSampler());
}
