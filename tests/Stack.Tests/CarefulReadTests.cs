using System.Net;
using System.Net.Http.Headers;
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
        var front = new Scripted(Refused(HttpStatusCode.TooManyRequests, 0), Refused(HttpStatusCode.ServiceUnavailable, 0), Refused(HttpStatusCode.TooManyRequests, 1), Answer(HttpStatusCode.OK));
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
        var front = new Scripted(Answer(HttpStatusCode.NotFound), Answer(HttpStatusCode.OK));
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
        var front = new Scripted(Refused(HttpStatusCode.TooManyRequests, 0), Answer(HttpStatusCode.OK));
        using var http = new HttpClient(front) { BaseAddress = new Uri("http://front.invalid") };

        var (answer, first) = await CarefulRead.GetAsync(http, "/customers/Co%201", TimeSpan.Zero, CancellationToken.None);

        using (answer)
        {
            Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, 1), (answer.StatusCode, first, front.Asked));
        }
    }

    private static Func<HttpResponseMessage> Refused(HttpStatusCode status, int retryAfterSeconds) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{}") };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
        return response;
    };

    private static Func<HttpResponseMessage> Answer(HttpStatusCode status) => () => new HttpResponseMessage(status) { Content = new StringContent("{}") };

    // Answers each request with the next of its script, and measures the wait before the last request.
    private sealed class Scripted(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
    {
        private readonly System.Diagnostics.Stopwatch sinceLast = new();

        public int Asked { get; private set; }

        public TimeSpan Waited { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Waited = sinceLast.Elapsed;
            sinceLast.Restart();
            return Task.FromResult(script[Asked++]());
        }
    }
}
