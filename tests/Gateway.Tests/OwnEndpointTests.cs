using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>A host's own endpoints (health, metrics), probed every few seconds, record no trace; the product's routes do.</summary>
[Trait("Category", "unit")]
public sealed class OwnEndpointTests
{
    [Theory]
    [InlineData("/health/live", true)]
    [InlineData("/health/ready", true)]
    [InlineData("/health", true)]
    [InlineData("/metrics", true)]
    [InlineData("/customers", false)]
    [InlineData("/customers/health", false)]
    [InlineData("/healthz", false)]
    [InlineData("/sales/metrics", false)]
    public void Only_a_hosts_own_endpoints_are_left_out_of_traces(string path, bool own) =>
        Assert.Equal(own, HostingExtensions.IsOwnEndpoint(new PathString(path)));
}
