using System.Diagnostics;
using System.Net;
using Polly;
using Polly.Retry;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// A read through the front door as a careful client makes it: an answer that says nothing was done and to ask again (503
/// from a cluster that is starting or moving the grain, 429 from the front door's per-client limits, which a read-back of
/// thousands of writes reaches) is asked again after its Retry-After (1 s if it gives none), until <c>within</c> has
/// passed; any other answer is the result. The read-backs of acknowledged writes (the tests, the demo) share it, so that
/// only an answer that lacks the write counts as a lost one.
/// </summary>
public static class CarefulRead
{
    private static readonly TimeSpan WithoutRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The answer to <c>GET <paramref name="path"/></c>, and the status the first answer had (503 or 429 when it was asked
    /// again). A <paramref name="within"/> of zero or less (a read-back's time already spent) asks once.
    /// </summary>
    public static async Task<(HttpResponseMessage Answer, HttpStatusCode First)> GetAsync(HttpClient http, string path, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode? first = null;
        var askAgain = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result?.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests && clock.Elapsed < within),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result?.Headers.RetryAfter?.Delta ?? WithoutRetryAfter),
            })
            .Build();
        var answer = await askAgain.ExecuteAsync(async token =>
        {
            var response = await http.GetAsync(path, token);
            first ??= response.StatusCode;
            return response;
        }, cancellationToken);
        return (answer, first!.Value);
    }
}
