using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A request has one deadline for all it does (Api:RequestTimeout, below nginx's own 30 s). Here the deadline is one
/// millisecond and every grain call is held back by a quarter of a second first (a warm in-process cluster can
/// otherwise answer within the millisecond): a read answers 503 (nothing changed) and a write 504 (its outcome
/// unknown), both problem+json, instead of the request running on past it.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class DeadlineTests(GatewayFixture fixture) : IAsyncLifetime
{
    private WebApplicationFactory<GatewayIdentity> factory = null!;
    private HttpClient client = null!;

    public Task InitializeAsync()
    {
        factory = fixture.Factory.WithWebHostBuilder(web => web
            .UseSetting("Api:RequestTimeout", "00:00:00.001")
            .ConfigureTestServices(services => services.AddSingleton<IOutgoingGrainCallFilter, SlowCalls>()));
        client = factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task A_read_past_its_deadline_is_a_503_with_Retry_After()
    {
        using var response = await client.GetAsync("/customers?limit=1000");

        var detail = await response.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("passed its deadline", detail, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_write_past_its_deadline_is_a_504_that_says_its_outcome_is_unknown()
    {
        using var response = await client.PutAsync($"/customers/Deadline%20{Guid.NewGuid():N}"[..40],
            new StringContent("""{"location":"Late"}""", Encoding.UTF8, "application/json"));

        var detail = await response.Problem(HttpStatusCode.GatewayTimeout);
        Assert.Contains("may or may not have been stored", detail, StringComparison.Ordinal);
    }

    /// <summary>Holds every grain call back long enough that the deadline surely passes before it answers.</summary>
    internal sealed class SlowCalls : IOutgoingGrainCallFilter
    {
        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            await context.Invoke();
        }
    }
}
