using System.Reflection;
using Autopilot.Contracts;
using Orleans.Storage;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// Exceptions leave a silo only as types every caller can load and Orleans can serialize: the BCL's, Orleans' shared ones and
/// Contracts'. A storage provider's exceptions (Redis, whose assemblies a gateway does not carry) become
/// <see cref="StorageFaultException"/>, saying whether the write may have been stored, or Orleans' own
/// <see cref="InconsistentStateException"/> for a version conflict; a resilience timeout becomes a
/// <see cref="TimeoutException"/>; any other foreign type keeps its message under a portable type. So a gateway can always
/// map what it receives to the right status code, instead of failing to deserialize it (a 500).
/// </summary>
public sealed class BoundaryExceptionFilter : IIncomingGrainCallFilter
{
    private static readonly HashSet<Assembly> Portable =
    [
        typeof(object).Assembly,
        typeof(OrleansException).Assembly,
        typeof(SiloUnavailableException).Assembly,
        typeof(InconsistentStateException).Assembly,
        typeof(Orleans.Serialization.CodecNotFoundException).Assembly,
        typeof(ValidationException).Assembly,
    ];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (!IsPortable(e))
        {
            throw Translate(e);
        }
    }

    public static bool IsPortable(Exception exception) => Chain(exception).All(e => Portable.Contains(e.GetType().Assembly));

    public static Exception Translate(Exception exception)
    {
        var chain = Chain(exception).ToList();
        var message = $"{exception.GetType().Name}: {exception.Message}";
        if (chain.OfType<InconsistentStateException>().FirstOrDefault() is { } conflict)
        {
            // A version conflict: storage refused the write, nothing was stored. Kept as Orleans' own type (without the
            // provider's inner exception), Orleans deactivates the stale activation and the next call reads afresh.
            return new InconsistentStateException(message, conflict.StoredEtag, conflict.CurrentEtag);
        }

        if (chain.Any(e => e is RedisConnectionException))
        {
            return new StorageFaultException(message, mayHaveStored: false);
        }

        if (chain.Any(e => e is RedisException || e.GetType().Namespace?.StartsWith("Orleans.Persistence", StringComparison.Ordinal) == true))
        {
            return new StorageFaultException(message, mayHaveStored: true);
        }

        if (chain.Any(e => e is Polly.Timeout.TimeoutRejectedException))
        {
            return new TimeoutException(message);
        }

        return exception is OrleansException ? new OrleansException(message) : new InvalidOperationException(message);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
