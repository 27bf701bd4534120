using System.Net;
using Autopilot.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>
/// The front door serves the product and nothing else, and no one client may take it all: with nginx and with YARP alike,
/// only the page, the API and the cluster view are passed to the gateways, and a client past its rate or its requests in
/// flight is answered 429 problem+json with Retry-After.
/// </summary>
[Collection(ConsulCollection.Name)]
[Trait("Category", "system")]
public sealed class FrontDoorPolicyTests(ConsulFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string service = $"gateway-{Guid.NewGuid():N}";
    private readonly List<IAsyncDisposable> started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(started))
        {
            await item.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task Only_the_page_the_API_and_the_cluster_view_pass_the_dashboard_metrics_and_openapi_do_not(string mode)
    {
        var (edge, gateway) = await Serving(mode);
        var seenBefore = gateway.Paths.Count;

        string[] product = ["/", "/customers", "/customers/Acme", "/sales", "/sales/Rep%201", "/cluster"];
        foreach (var path in product)
        {
            using var response = await edge.Front.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{mode}: GET {path} answered {(int)response.StatusCode}");
        }

        string[] internals =
        [
            "/metrics", "/dashboard", "/dashboard/index.html", "/dashboard/DashboardCounters", "/openapi/v1.json", "/health/ready",
            "/health/live", "/sd/prometheus", "/upstreams", "/Metrics", "/favicon.ico",
        ];
        foreach (var path in internals)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(edge.Front.BaseAddress!, path));
            using var response = await edge.Front.SendAsync(request);
            await FrontDoorTests.ProblemJson(response, 404, "nothing else");
        }

        // Paths that climb out of the API are judged where they land (HttpClient would tidy them, so they go raw).
        foreach (var path in new[] { "/customers/../metrics", "/customers/%2E%2E/metrics", "/sales/x/../../dashboard/index.html" })
        {
            var answer = await FrontDoorTests.RawAsync(edge.Front.BaseAddress!, $"GET {path} HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n");
            Assert.True(answer.StartsWith("HTTP/1.1 404", StringComparison.Ordinal) || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal),
                $"{mode}: GET {path} answered {answer.Split('\n')[0]}");
        }

        // The gateway saw the product's paths, and none of the rest.
        Assert.Equal(product.Length, gateway.Paths.Skip(seenBefore).Count(p => p != "/health/ready"));
        Assert.DoesNotContain(gateway.Paths, p => p.Contains("metrics", StringComparison.OrdinalIgnoreCase) || p.Contains("dashboard", StringComparison.Ordinal) || p.Contains("openapi", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task A_client_past_its_rate_is_answered_429_problem_json_with_Retry_After_and_served_again_after(string mode)
    {
        var (edge, _) = await Serving(mode, "--Edge:RatePerClient=5", "--Edge:BurstPerClient=5");
        // Whatever the set-up sent has been paid back at 5 a second.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40; i++)
        {
            var response = await edge.Front.GetAsync("/customers");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refused is null)
            {
                refused = response;
                continue;
            }

            response.Dispose();
        }

        Assert.True(refused is not null, $"{mode}: 40 requests at once past a rate of 5/s were all served: {string.Join(' ', statuses.Select(s => (int)s))}");
        using (refused)
        {
            await FrontDoorTests.ProblemJson(refused, 429, "Retry after");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 5, $"{mode}: fewer than the burst were served: {string.Join(' ', statuses.Select(s => (int)s))}");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{mode}: {(int)s}"));
        await Eventually.Holds(() => edge.Front.GetAsync("/customers"), r => r.StatusCode == HttpStatusCode.OK, Generous, "the client is served again once its rate allows");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task A_burst_from_one_client_on_128_connections_meets_the_default_limit_and_the_rest_are_served(string mode)
    {
        var (edge, _) = await Serving(mode);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = edge.Front.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Each request takes the gateway a second, so all 128 are in flight at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 128).Select(async i =>
        {
            using var response = await client.GetAsync($"/customers/slow-{i}");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), RetryAfter: response.Headers.RetryAfter?.Delta);
        }));

        var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        TestFigures.Print($"front door ({mode}): 128 requests in flight from one client: {served} served, {refused.Count} refused with 429");
        Assert.True(refused.Count > 0, $"{mode}: 128 requests in flight at once were all served; the default limit is 64");
        Assert.True(served >= 32, $"{mode}: only {served} of 128 were served; the default limit is 64 in flight");
        Assert.Equal(128, served + refused.Count);
        Assert.All(refused, a =>
        {
            Assert.Contains("\"status\":429", a.Body, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(1), a.RetryAfter);
        });
    }

    private async Task<(EdgeUnderTest Edge, FakeGateway Gateway)> Serving(string mode, params string[] extra)
    {
        var edge = await EdgeUnderTest.StartAsync(fixture.Agent.Address, mode, service, extra);
        started.Add(edge);
        var gateway = await FakeGateway.StartAsync($"policy-{service}");
        started.Add(gateway);
        await gateway.RegisterAsync(fixture.Client, service);
        await Eventually.Holds(edge.Upstreams, s => s.Gateways.Count == 1, Generous, "the edge serves the gateway");
        if (mode == "yarp")
        {
            // YARP's active health check marks the new destination healthy within its interval.
            await Eventually.Holds(() => edge.Front.GetAsync("/cluster"), r => r.StatusCode == HttpStatusCode.OK, Generous, "YARP passes requests to the gateway");
        }

        return (edge, gateway);
    }
}
