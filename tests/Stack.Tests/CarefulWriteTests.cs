using System.Net;
using System.Text.Json;
using Autopilot.Stack.Traffic;

namespace Autopilot.Stack.Tests;

/// <summary>
/// The stories' careful write: an answer that says nothing was stored (503, 429) or that the outcome is unknown (504, 502,
/// a connection closed before any answer) is sent again, for a bounded time, and what was sent again is told; any other
/// answer, or one of those past the bound, is the result.
/// </summary>
[Trait("Category", "unit")]
public sealed class CarefulWriteTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Unknown_outcomes_and_refusals_are_sent_again_and_told()
    {
        var front = new Scripted(
            Scripted.Refused(HttpStatusCode.GatewayTimeout, 0), Scripted.Closed(), Scripted.Refused(HttpStatusCode.BadGateway, 0),
            Scripted.Refused(HttpStatusCode.ServiceUnavailable, 1), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, sentAgainAfter) = await CarefulWrite.PutAsJsonAsync(http, "/customers/Co%201", new { location = "Harbor" }, Json, Generous, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.OK, 5), (answer.StatusCode, front.Asked));
            Assert.Equal(["504", "HttpRequestException: The response ended prematurely.", "502", "503"], sentAgainAfter);
            Assert.True(front.Waited >= TimeSpan.FromSeconds(0.9), $"the last refusal asked for 1 s; the write was sent again after {front.Waited.TotalSeconds:0.00} s");
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.OK)]
    public async Task Any_other_answer_is_the_result_at_once(HttpStatusCode status)
    {
        var front = new Scripted(Scripted.Answer(status), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, sentAgainAfter) = await CarefulWrite.PutAsJsonAsync(http, "/customers/Co%201", new { location = "Harbor" }, Json, Generous, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((status, 1), (answer.StatusCode, front.Asked));
            Assert.Empty(sentAgainAfter);
        }
    }

    [Fact]
    public async Task An_unknown_outcome_past_the_bound_is_the_result()
    {
        var front = new Scripted(Scripted.Refused(HttpStatusCode.GatewayTimeout, 0), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, sentAgainAfter) = await CarefulWrite.PutAsJsonAsync(http, "/customers/Co%201", new { location = "Harbor" }, Json, TimeSpan.Zero, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.GatewayTimeout, 1), (answer.StatusCode, front.Asked));
            Assert.Empty(sentAgainAfter);
        }
    }
}
