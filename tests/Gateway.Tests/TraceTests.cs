using System.Diagnostics;
using Autopilot.Testing;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// One request's trace spans the gateway and the silo: the gateway's HTTP span, its grain call (Orleans' client span) under
/// it, and the silo's handling of that call (Orleans' server span) as the call's child, carried in the message.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class TraceTests(GatewayFixture fixture)
{
    [Fact]
    public async Task One_requests_trace_runs_from_the_gateways_HTTP_span_through_its_grain_call_into_the_silo()
    {
        using var trace = new RecordedTrace();
        using var client = fixture.Factory.CreateClient();

        await trace.Send(client, "/customers/ACME%20Corporation");

        // A span is seen when it stops: the HTTP span's may stop just after the client has its answer.
        var spans = await Eventually.Holds(() => Task.FromResult(trace.Stopped),
            s => s.Any(a => a.Source.Name == "Microsoft.AspNetCore") && s.Any(a => a.Kind == ActivityKind.Server && a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the request's HTTP span and the silo's span of its grain call", () => string.Join(", ", trace.Stopped.Select(a => $"{a.Source.Name} {a.Kind} {a.DisplayName}")));
        var http = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore");
        var call = Assert.Single(spans, a => a.Kind == ActivityKind.Client && a.ParentSpanId == http.SpanId);
        Assert.StartsWith("Microsoft.Orleans", call.Source.Name, StringComparison.Ordinal);
        var handled = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.ParentSpanId == call.SpanId);
        Assert.Contains("ICustomerGrain", handled.DisplayName + handled.OperationName, StringComparison.Ordinal);
    }
}
