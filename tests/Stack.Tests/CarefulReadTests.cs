using System.Net;
using Autopilot.Stack.Traffic;

namespace Autopilot.Stack.Tests;

/// <summary>
/// The read-backs' careful read: a refusal that says nothing was done (429 from the front door's per-client limits, 503)
/// is asked again after its Retry-After, for a bounded time; any other answer, or a refusal past the bound, is the result.
/// </summary>
[Trait("Category", "unit")]
public sealed class CarefulReadTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Refusals_are_asked_again_after_their_Retry_After_until_an_answer_comes()
    {
        var front = new Scripted(Scripted.Refused(HttpStatusCode.TooManyRequests, 0), Scripted.Refused(HttpStatusCode.ServiceUnavailable, 0), Scripted.Refused(HttpStatusCode.TooManyRequests, 1), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, first) = await CarefulRead.GetAsync(http, "/customers/Co%201", Generous, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests, 4), (answer.StatusCode, first, front.Asked));
            Assert.True(front.Waited >= TimeSpan.FromSeconds(0.9), $"the last refusal asked for 1 s; the read asked again after {front.Waited.TotalSeconds:0.00} s");
        }
    }

    [Fact]
    public async Task Any_other_answer_is_the_result_at_once()
    {
        var front = new Scripted(Scripted.Answer(HttpStatusCode.NotFound), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, first) = await CarefulRead.GetAsync(http, "/customers/Co%201", Generous, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, 1), (answer.StatusCode, first, front.Asked));
        }
    }

    [Fact]
    public async Task A_refusal_past_the_bound_is_the_result()
    {
        var front = new Scripted(Scripted.Refused(HttpStatusCode.TooManyRequests, 0), Scripted.Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, first) = await CarefulRead.GetAsync(http, "/customers/Co%201", TimeSpan.Zero, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, 1), (answer.StatusCode, first, front.Asked));
        }
    }
}
