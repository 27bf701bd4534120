using Autopilot.Testing;
using Orleans.TestingHost;

namespace Autopilot.Grains.Tests;

/// <summary>The test cluster's silo and gateway ports from <see cref="TestPorts"/>, reserved against every other test process.</summary>
internal sealed class TestPortAllocator : ITestClusterPortAllocator
{
    private readonly List<PortSpan> spans = [];

    public (int, int) AllocateConsecutivePortPairs(int numPorts)
    {
        var silo = TestPorts.Span(numPorts);
        var gateway = TestPorts.Span(numPorts);
        spans.AddRange([silo, gateway]);
        return (silo.First, gateway.First);
    }

    public void Dispose() => spans.ForEach(span => span.Dispose());
}
