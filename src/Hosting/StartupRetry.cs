using Polly;
using Polly.Retry;

namespace Autopilot.Hosting;

/// <summary>
/// How every host waits at start for a dependency that may come up later (Consul, Redis): attempts retried with
/// exponential back-off and jitter, each failure logged, for a bounded time; then a <see cref="StartupFailedException"/>
/// whose message <see cref="AutopilotHost"/> prints as the reason the process exits 1.
/// </summary>
public static partial class StartupRetry
{
    public static async Task<T> RunAsync<T>(
        string dependency,
        Func<CancellationToken, ValueTask<T>> attempt,
        Func<Exception, bool> isTransient,
        TimeSpan timeout,
        ILogger logger,
        CancellationToken cancellationToken = default)
    {
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isTransient),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(5),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogWaiting(logger, dependency, args.AttemptNumber + 1, FirstLine(args.Outcome.Exception?.Message));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await retry.ExecuteAsync(attempt, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StartupFailedException($"{dependency} did not answer within {timeout.TotalSeconds:0} s of start-up.");
        }
    }

    private static string FirstLine(string? message) => message is null ? "" : message.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for {Dependency} (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, string dependency, int attempt, string reason);
}
