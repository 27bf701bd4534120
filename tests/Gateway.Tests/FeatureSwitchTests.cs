using System.Net;
using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Each switch of what a request pays for beyond its answer (<see cref="FeatureSwitches"/>; the bench's cost table turns
/// them off one at a time) takes its feature out when off, and the answer stays the same.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class FeatureSwitchTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void A_switch_is_on_unless_it_says_false(string? value, bool on)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ApiOptions.ETags] = value }).Build();

        Assert.Equal(on, FeatureSwitches.On(configuration, ApiOptions.ETags));
    }

    [Fact]
    public void A_switch_that_is_neither_true_nor_false_is_bad_configuration_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [FeatureSwitches.Metrics] = "sometimes" }).Build();

        var e = Assert.Throws<OptionsValidationException>(() => FeatureSwitches.On(configuration, FeatureSwitches.Metrics));
        Assert.Equal("Telemetry:Metrics must be true or false; it is 'sometimes'.", e.Message);
    }

    [Fact]
    public async Task ETags_off_answers_every_read_with_its_body_and_no_ETag()
    {
        using var tagged = fixture.Factory.CreateClient();
        using var first = await tagged.GetAsync("/customers/ACME%20Corporation");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        await using var factory = fixture.Factory.WithWebHostBuilder(web => web.UseSetting(ApiOptions.ETags, "false"));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/customers/ACME%20Corporation");
        request.Headers.IfNoneMatch.Add(etag);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_off_serves_no_metrics()
    {
        await using var factory = fixture.Factory.WithWebHostBuilder(web => web.UseSetting(FeatureSwitches.Metrics, "false"));
        using var client = factory.CreateClient();

        await client.GetOk<System.Text.Json.JsonElement>("/customers");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Deadline_off_lets_a_request_run_past_RequestTimeout()
    {
        await using var factory = fixture.Factory.WithWebHostBuilder(web => web
            .UseSetting("Api:RequestTimeout", "00:00:00.001")
            .UseSetting(ApiOptions.Deadline, "false")
            .ConfigureTestServices(services => services.AddSingleton<IOutgoingGrainCallFilter, DeadlineTests.SlowCalls>()));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/customers?limit=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Retries_of_rejected_calls_off_leave_the_retry_filter_out()
    {
        await using var on = fixture.Factory.WithWebHostBuilder(_ => { });
        await using var off = fixture.Factory.WithWebHostBuilder(web => web.UseSetting(ApiOptions.RetryRejectedCalls, "false"));

        Assert.Contains(on.Services.GetServices<IOutgoingGrainCallFilter>(), f => f is RejectedCallRetryFilter);
        Assert.DoesNotContain(off.Services.GetServices<IOutgoingGrainCallFilter>(), f => f is RejectedCallRetryFilter);
    }

    [Fact]
    public async Task Giving_up_lost_gateway_calls_off_leaves_every_call_to_its_own_timeout()
    {
        static void Loss(IWebHostBuilder web) => web.ConfigureTestServices(services => services.AddSingleton(new GatewayLoss(TimeProvider.System)));
        await using var on = fixture.Factory.WithWebHostBuilder(Loss);
        await using var off = fixture.Factory.WithWebHostBuilder(web =>
        {
            Loss(web);
            web.UseSetting(ApiOptions.GiveUpLostGatewayCalls, "false");
        });

        Assert.True(on.Services.GetRequiredService<LostGatewayCalls>().GivesUpCalls);
        Assert.False(off.Services.GetRequiredService<LostGatewayCalls>().GivesUpCalls);
    }

    [Fact]
    public async Task Tracing_off_carries_no_trace_into_the_grain_call()
    {
        using var trace = new RecordedTrace();
        await using var factory = fixture.Factory.WithWebHostBuilder(web => web.UseSetting(FeatureSwitches.Tracing, "false"));
        using var client = factory.CreateClient();

        await trace.Send(client, "/customers/ACME%20Corporation");

        var http = await Eventually.Holds(() => Task.FromResult(trace.Stopped), s => s.Any(a => a.Source.Name == "Microsoft.AspNetCore"),
            TimeSpan.FromSeconds(10), "the request's HTTP span");
        Assert.DoesNotContain(http, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }
}
