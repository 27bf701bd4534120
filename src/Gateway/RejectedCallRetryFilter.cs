using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Concurrency;
using Polly;
using Polly.Retry;

namespace Autopilot.Gateway;

/// <summary>
/// Sends a grain call again when the cluster could not run it (<see cref="ClusterFailures.NeverRan"/>: rejected
/// unprocessed, or placement and activation failed first), which is safe for every call. Reads (<see cref="ReadOnlyAttribute"/>) are also sent again
/// after a timeout or a silo lost mid-call (<see cref="SiloUnavailableException"/>): they change nothing, and a read
/// that went to a silo killed a moment ago otherwise hangs until its timeout while failure detection has already
/// moved its grains; and after a version conflict (<see cref="Orleans.Storage.InconsistentStateException"/>): the read
/// met an activation that another one had superseded (the fenced read in Grains' <c>CommittedState</c>), which Orleans
/// then deactivates, so the read sent again reaches the record's current one. Writes are not sent again after any of
/// these: they may have run. The back-off (about 5.5 s in all)
/// outlasts a failure detection and the directory catching up with it.
/// </summary>
public sealed partial class RejectedCallRetryFilter : IOutgoingGrainCallFilter
{
    /// <summary>Eight retries, 100 ms doubling to 1 s: 5.5 s of back-off in all (<c>Deadlines.RetryBackoff</c>), which outlasts a failure detection.</summary>
    public const int MaxRetryAttempts = 8;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private static readonly System.Diagnostics.Metrics.Counter<long> Retried = Autopilot.Hosting.AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.grain_calls.retried", "{call}", "Grain calls sent again because the cluster did not run them, or a read timed out");

    // Every grain call passes here: look each method's attribute up once.
    private static readonly ConcurrentDictionary<MethodInfo, bool> ReadOnlyMethods = new();
    private readonly ResiliencePipeline writes;
    private readonly ResiliencePipeline reads;

    public RejectedCallRetryFilter(ILogger<RejectedCallRetryFilter> logger)
    {
        writes = Pipeline(new PredicateBuilder().Handle<Exception>(ClusterFailures.NeverRan), logger);
        reads = Pipeline(new PredicateBuilder().Handle<Exception>(ClusterFailures.NeverRan).Handle<OrleansMessageRejectionException>().Handle<TimeoutException>()
            .Handle<Orleans.Storage.InconsistentStateException>(), logger);
    }

    public Task Invoke(IOutgoingGrainCallContext context) =>
        (IsRead(context.InterfaceMethod) ? reads : writes).ExecuteAsync(
            static async (context, _) =>
            {
                using var attempt = LostGatewayCalls.MarkAttempt();
                await context.Invoke();
            },
            context).AsTask();

    private static bool IsRead(MethodInfo? method) =>
        method is not null && ReadOnlyMethods.GetOrAdd(method, m => m.GetCustomAttribute<ReadOnlyAttribute>() is not null);

    private static ResiliencePipeline Pipeline(PredicateBuilder<object> retryOn, ILogger logger) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = retryOn,
                MaxRetryAttempts = MaxRetryAttempts,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    Retried.Add(1, new KeyValuePair<string, object?>("reason", args.Outcome.Exception?.GetType().Name ?? ""));
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "", FirstLine(args.Outcome.Exception?.Message));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static string FirstLine(string? message) => message is null ? "" : message.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "A grain call did not run ({Exception}: {Reason}); sending it again (attempt {Attempt})")]
    private static partial void LogRetry(ILogger logger, int attempt, string exception, string reason);
}
