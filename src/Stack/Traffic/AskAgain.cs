using System.Diagnostics;
using Polly;
using Polly.Retry;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// The loop of the careful client's requests (<see cref="CarefulRead"/>, <see cref="CarefulWrite"/>): an outcome that
/// <c>when</c> says to ask again is asked again after its Retry-After (1 s if it gives none), until <c>within</c> has
/// passed; the outcome then is the result. Each outcome asked again is told to <c>askedAgain</c> first.
/// </summary>
internal static class AskAgain
{
    private static readonly TimeSpan WithoutRetryAfter = TimeSpan.FromSeconds(1);

    public static ResiliencePipeline<HttpResponseMessage> Within(TimeSpan within, Func<Outcome<HttpResponseMessage>, bool> when, Action<Outcome<HttpResponseMessage>>? askedAgain = null)
    {
        var clock = Stopwatch.StartNew();
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(clock.Elapsed < within && when(args.Outcome)),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result?.Headers.RetryAfter?.Delta ?? WithoutRetryAfter),
                OnRetry = args =>
                {
                    askedAgain?.Invoke(args.Outcome);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
