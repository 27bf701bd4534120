using System.Diagnostics;

namespace Autopilot.Chaos;

/// <summary>
/// Records every operation clients send, on one clock, for the checkers: <see cref="Invoke"/> before a request goes out,
/// then one of <see cref="PendingOperation"/>'s endings when its answer (or its timeout) comes. Thread-safe: every worker
/// of a load records into one history. An operation still pending when <see cref="Operations"/> is read counts as
/// never answered (indeterminate).
/// </summary>
public sealed class History
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<int, PendingOperation> pending = [];
    private readonly List<Operation> completed = [];
    private int next;

    /// <summary>The history's clock: time since it was created.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>Every operation so far, in the order they were invoked; those still pending as never answered.</summary>
    public IReadOnlyList<Operation> Operations
    {
        get
        {
            lock (completed)
            {
                return [.. completed.Concat(pending.Values.Select(p => p.Unanswered())).OrderBy(o => o.Id)];
            }
        }
    }

    /// <summary>Records that an operation on <paramref name="key"/> is sent now; <paramref name="value"/> is what a write writes.</summary>
    public PendingOperation Invoke(string key, OperationKind kind, string? value = null, bool final = false) =>
        Record(key, kind, _ => value, final);

    /// <summary>Records that a write on <paramref name="key"/> is sent now, of a value made from its operation's number (unique in this history).</summary>
    public PendingOperation InvokeWrite(string key, Func<int, string> valueOf) => Record(key, OperationKind.Write, id => valueOf(id), final: false);

    private PendingOperation Record(string key, OperationKind kind, Func<int, string?> valueOf, bool final)
    {
        var id = Interlocked.Increment(ref next);
        var operation = new PendingOperation(this, id, key, kind, valueOf(id), Now, final);
        lock (completed)
        {
            pending.Add(operation.Id, operation);
        }

        return operation;
    }

    internal void Complete(PendingOperation operation, Operation done)
    {
        lock (completed)
        {
            if (!pending.Remove(operation.Id))
            {
                throw new InvalidOperationException($"operation #{operation.Id} on {operation.Key} was already completed");
            }

            completed.Add(done);
        }
    }
}
