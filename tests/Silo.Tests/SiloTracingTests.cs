using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Autopilot.Silo.Tests;

/// <summary>A silo continues the traces its callers sampled and starts none of its own.</summary>
[Trait("Category", "unit")]
public sealed class SiloTracingTests
{
    [Fact]
    public void A_call_that_arrives_without_a_trace_starts_none_whatever_its_trace_id()
    {
        // The environment's ratio sampler would keep one root in a hundred; of a thousand, the silo keeps none.
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(SamplingDecision.Drop, Decide(default, "ICustomerGrain/Get"));
        }

        Assert.Equal(SamplingDecision.Drop, Decide(default, "IMembershipService/Ping"));
    }

    [Fact]
    public void A_call_whose_caller_sampled_its_trace_is_recorded_and_one_whose_caller_did_not_is_not()
    {
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Parent(ActivityTraceFlags.Recorded, remote: true), "ICustomerGrain/Get"));
        Assert.Equal(SamplingDecision.Drop, Decide(Parent(ActivityTraceFlags.None, remote: true), "ICustomerGrain/Get"));

        // A call the silo makes inside a traced call (a customer asking its rep's facts) stays in the trace.
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Parent(ActivityTraceFlags.Recorded, remote: false), "ISalesRepGrain/Facts"));
        Assert.Equal(SamplingDecision.Drop, Decide(Parent(ActivityTraceFlags.None, remote: false), "ISalesRepGrain/Facts"));
    }

    private static SamplingDecision Decide(ActivityContext parent, string name) =>
        SiloTracing.Sampler.ShouldSample(new SamplingParameters(
            parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, name, ActivityKind.Server)).Decision;

    private static ActivityContext Parent(ActivityTraceFlags flags, bool remote) =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags, isRemote: remote);
}
