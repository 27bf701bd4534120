using System.Net;
using System.Text;
using System.Text.Json;
using Autopilot.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>
/// What nginx itself answers at the front door: a write is never sent to a second gateway once one may have received it
/// (only a refused connection passes it on), and nginx's own errors are problem+json, as the gateways' are.
/// </summary>
[Collection(ConsulCollection.Name)]
[Trait("Category", "system")]
public sealed class FrontDoorTests(ConsulFixture fixture) : IAsyncLifetime
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

    private async Task<(EdgeUnderTest Edge, FakeGateway[] Gateways)> Serving(params (string Name, bool DieOnPut)[] gateways)
    {
        var edge = await EdgeUnderTest.StartAsync(fixture.Agent.Address, "nginx", service);
        started.Add(edge);
        var fakes = new List<FakeGateway>();
        foreach (var (name, dieOnPut) in gateways)
        {
            var gateway = await FakeGateway.StartAsync($"{name}-{service}", dieOnPut);
            started.Add(gateway);
            await gateway.RegisterAsync(fixture.Client, service);
            fakes.Add(gateway);
        }

        await Eventually.Holds(edge.Upstreams, s => s.Gateways.Count == gateways.Length, Generous, "the edge serves every gateway");
        return (edge, [.. fakes]);
    }

    [Fact]
    public async Task A_PUT_that_reached_a_gateway_which_then_failed_is_never_sent_to_another()
    {
        var (edge, gateways) = await Serving(("dies", true), ("healthy", false));
        var (dies, healthy) = (gateways[0], gateways[1]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await edge.Front.PutAsync($"/customers/C{i}", new StringContent("""{"location":"X"}""", Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
                await ProblemJson(response, 502, "PUT may have been stored");
            }
        }

        // Every PUT reached exactly one gateway: none that reached the dying one was replayed to the healthy one.
        Assert.True(dies.Puts > 0, "no PUT went to the gateway that dies; the test proves nothing");
        Assert.Equal(12, dies.Puts + healthy.Puts);
        Assert.Equal(healthy.Puts, statuses.Count(s => s == HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_PUT_whose_connection_was_refused_is_passed_to_the_next_gateway()
    {
        var (edge, gateways) = await Serving(("gone", false), ("healthy", false));
        var (gone, healthy) = (gateways[0], gateways[1]);
        await gone.DisposeAsync();

        for (var i = 0; i < 6; i++)
        {
            using var response = await edge.Front.PutAsync($"/customers/R{i}", new StringContent("""{"location":"X"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(6, healthy.Puts);
    }

    [Fact]
    public async Task Nginx_answers_its_own_errors_as_problem_json()
    {
        var (edge, _) = await Serving(("any", false));

        using var tooLarge = await edge.Front.PutAsync("/customers/Big", new ByteArrayContent(new byte[2 * 1024 * 1024]));
        await ProblemJson(tooLarge, 413, "larger than the front door accepts");

        using var longUri = await edge.Front.GetAsync("/customers/" + new string('x', 20_000));
        await ProblemJson(longUri, 414, "longer than the front door accepts");

        using var bigHeader = new HttpRequestMessage(HttpMethod.Get, "/customers");
        bigHeader.Headers.Add("X-Padding", new string('y', 64 * 1024));
        using var headerTooLarge = await edge.Front.SendAsync(bigHeader);
        await ProblemJson(headerTooLarge, 400, "header");

        var badRequest = await RawAsync(edge.Front.BaseAddress!, "GET /customers HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        Assert.Contains("400", badRequest.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("application/problem+json", badRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_gateway_nginx_answers_503_problem_json_with_Retry_After()
    {
        var edge = await EdgeUnderTest.StartAsync(fixture.Agent.Address, "nginx", service);
        started.Add(edge);

        using var response = await edge.Front.GetAsync("/customers");

        await ProblemJson(response, 503, "nothing was done");
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    private static async Task ProblemJson(HttpResponseMessage response, int status, string detailPart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailPart, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string> RawAsync(Uri front, string request)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(front.Host, front.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}
