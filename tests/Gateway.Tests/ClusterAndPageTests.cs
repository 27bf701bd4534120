using System.Net;
using System.Text.Json;
using Autopilot.Testing;

namespace Autopilot.Gateway.Tests;

[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class ClusterAndPageTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Cluster_lists_the_active_silo_with_its_activations_and_names_the_gateway()
    {
        await Client.GetOk<JsonElement>("/customers");

        var cluster = await Client.GetOk<ClusterView>("/cluster");

        Assert.StartsWith("gateway-", cluster.Gateway, StringComparison.Ordinal);
        Assert.StartsWith("gateway-tests-", cluster.ClusterId, StringComparison.Ordinal);
        var silo = Assert.Single(cluster.Silos);
        Assert.Equal("Active", silo.Status);
        Assert.StartsWith("silo-", silo.Name, StringComparison.Ordinal);
        Assert.True(silo.Activations > 0, $"activations: {silo.Activations}");
    }

    [Fact]
    public async Task Cluster_says_Consul_is_not_used_in_the_embedded_mode()
    {
        Assert.Equal("not used", (await Client.GetOk<ClusterView>("/cluster")).Consul);
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text_with_the_stacks_own_and_Orleans_meters()
    {
        await Client.GetOk<JsonElement>("/cluster");

        var response = await Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("autopilot_http_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("route=\"/cluster\"", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_has_both_workshop_tables_and_the_cluster_panel()
    {
        var response = await Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var part in new[] { "<h2>Customers</h2>", "<h2>Sales reps</h2>", "<h2>Cluster</h2>", "if-none-match", "/cluster", "rel=\"next\"" })
        {
            Assert.Contains(part, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_Orleans_dashboard_is_served_with_the_silos_own_counters()
    {
        await Client.GetOk<JsonElement>("/customers");

        var page = await Client.GetAsync("/dashboard/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The counters come from the dashboard's grain in the silo, through this gateway's Orleans client; the silo
        // samples them once a second.
        await Eventually.Holds(
            () => Client.GetOk<JsonElement>("/dashboard/DashboardCounters"),
            counters => counters.GetProperty("totalActiveHostCount").GetInt32() == 1,
            TimeSpan.FromSeconds(30),
            "the dashboard counts the one silo");

        // No login on the page, so no live log stream through the front door.
        Assert.NotEqual(HttpStatusCode.OK, (await Client.GetAsync("/dashboard/Trace")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_Enabled_false_leaves_the_dashboard_out()
    {
        using var factory = fixture.Factory.WithWebHostBuilder(web => web.UseSetting("Dashboard:Enabled", "false"));
        using var client = factory.CreateClient();

        await client.GetOk<JsonElement>("/customers");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/index.html")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await (await Client.GetAsync("/nothing/here")).Problem(HttpStatusCode.NotFound);
    }
}
