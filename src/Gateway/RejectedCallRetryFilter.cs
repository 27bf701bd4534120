using Polly;
using Polly.Retry;

namespace Autopilot.Gateway;

/// <summary>
/// Retries a grain call the cluster rejected without running it (a silo stopping or just gone, an activation
/// moving): the message was never processed, so sending it again is safe for reads and writes alike. Timeouts
/// are not retried: the call may have run.
/// </summary>
public sealed partial class RejectedCallRetryFilter : IOutgoingGrainCallFilter
{
    private readonly ResiliencePipeline pipeline;

    public RejectedCallRetryFilter(ILogger<RejectedCallRetryFilter> logger) =>
        pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<OrleansMessageRejectionException>(),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "rejected");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    public Task Invoke(IOutgoingGrainCallContext context) =>
        pipeline.ExecuteAsync(async _ => await context.Invoke()).AsTask();

    [LoggerMessage(Level = LogLevel.Information, Message = "A grain call was rejected without running ({Reason}); sending it again (attempt {Attempt})")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);
}
