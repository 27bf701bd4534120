namespace Autopilot.Chaos;

/// <summary>
/// Checks that each key of a history behaves as a linearizable register whose writes write unique values (a record whose
/// every write carries a value of its own). Hand-written: no .NET library checks linearizability (Jepsen's Knossos and
/// Porcupine are Clojure and Go). With unique values each read names the write it saw, and Gibbons and Korach's zone
/// test ("Testing shared memories", 1997) decides linearizability in polynomial time: the cluster of a write (the write
/// and every read of its value) must hold the register from its earliest answer to its latest invocation when the first
/// comes before the second (a forward zone), or can be placed anywhere between them otherwise (a backward zone). The
/// history is linearizable exactly when every read's write began before the read ended, no two forward zones overlap,
/// and no backward zone lies inside another cluster's forward zone.
/// <para>
/// A refused write had no effect; a read of its value is a violation. An indeterminate write (a timeout, a 502 or 504)
/// may have taken effect at any time after it was sent: it counts, with no end, when a read saw its value, and is left
/// out otherwise. Reads that failed say nothing. A record that does not exist reads as null, the register's initial value.
/// </para>
/// </summary>
public static class RegisterChecker
{
    public static IReadOnlyList<Violation> Check(IEnumerable<Operation> history) =>
        [.. history.GroupBy(o => o.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => CheckKey(g.Key, [.. g]))];

    private static IEnumerable<Violation> CheckKey(string key, IReadOnlyList<Operation> operations)
    {
        var writes = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var write in operations.Where(o => o.Kind == OperationKind.Write))
        {
            if (write.Value is null || !writes.TryAdd(write.Value, write))
            {
                throw new ArgumentException($"The register checker needs a distinct, non-null value for every write of {key}; {write} repeats or lacks one.", "history");
            }
        }

        var violations = new List<Violation>();
        var clusters = new Dictionary<string, Cluster>(StringComparer.Ordinal);
        var initial = new Cluster(null, key);
        foreach (var read in operations.Where(o => o.Kind == OperationKind.Read && o.Outcome == Outcome.Ok))
        {
            if (read.Value is null)
            {
                initial.Reads.Add(read);
            }
            else if (!writes.TryGetValue(read.Value, out var write))
            {
                violations.Add(new Violation(ViolationKind.NeverWritten, key, $"{read} returned a value that no operation wrote"));
            }
            else if (write.Outcome == Outcome.Failed)
            {
                violations.Add(new Violation(ViolationKind.ReadOfRefusedWrite, key, $"{read} returned the value of {write}, which was refused"));
            }
            else if (read.Completed < write.Invoked)
            {
                violations.Add(new Violation(ViolationKind.FutureRead, key, $"{read} returned the value of {write}, which began after the read ended"));
            }
            else
            {
                (clusters.TryGetValue(read.Value, out var cluster) ? cluster : clusters[read.Value] = new Cluster(write, key)).Reads.Add(read);
            }
        }

        foreach (var write in writes.Values.Where(w => w.Outcome == Outcome.Ok && !clusters.ContainsKey(w.Value!)))
        {
            clusters[write.Value!] = new Cluster(write, key);
        }

        var all = clusters.Values.ToList();
        if (initial.Reads.Count > 0)
        {
            all.Add(initial);
        }

        for (var i = 0; i < all.Count; i++)
        {
            for (var j = 0; j < all.Count; j++)
            {
                if (i != j && Conflict(all[i], all[j]) is { } violation && (i < j || !all[j].IsForward))
                {
                    violations.Add(violation);
                }
            }
        }

        return violations;
    }

    // A forward cluster held the register over (Earliest answer, Latest invocation). Another forward cluster's zone must not
    // overlap it, nor a backward cluster's zone lie wholly inside it: either needs two values current at once.
    private static Violation? Conflict(Cluster held, Cluster other)
    {
        if (!held.IsForward)
        {
            return null;
        }

        if (other.IsForward)
        {
            return Max(held.EarliestEnd, other.EarliestEnd) < Min(held.LatestStart, other.LatestStart)
                ? new Violation(ViolationKind.NotLinearizable, held.Key,
                    $"{held.Name} and {other.Name} would both have to be the value from {Seconds(Max(held.EarliestEnd, other.EarliestEnd))} to {Seconds(Min(held.LatestStart, other.LatestStart))}: reads saw them in an order no sequence of the writes gives ({held.LastRead?.ToString() ?? "-"}; {other.LastRead?.ToString() ?? "-"})")
                : null;
        }

        if (!(held.EarliestEnd < other.LatestStart && other.EarliestEnd < held.LatestStart))
        {
            return null;
        }

        var read = held.LastRead!;
        var superseding = other.Write;
        var strictlyAfter = held.Write is null || (held.Write.Outcome == Outcome.Ok && held.Write.Completed < superseding?.Invoked);
        var kind = superseding?.Outcome == Outcome.Ok && strictlyAfter && superseding.Completed < read.Invoked
            ? read.Final ? ViolationKind.LostWrite : ViolationKind.StaleRead
            : ViolationKind.NotLinearizable;
        return new Violation(kind, held.Key,
            $"{read} returned {held.Name}, but {other.Name} took effect wholly between {Seconds(held.EarliestEnd)} (when {held.Name} was already the value) and the read's start");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Seconds(TimeSpan t) => t == TimeSpan.MinValue ? "the start" : $"{t.TotalSeconds:0.000} s";

    /// <summary>A write (null: the register's initial value) and every read that returned its value.</summary>
    private sealed class Cluster(Operation? write, string key)
    {
        public Operation? Write { get; } = write;

        public string Key { get; } = key;

        public List<Operation> Reads { get; } = [];

        public string Name => Write is null ? "the initial value (none)" : $"the value of write #{Write.Id} ({Write.Value})";

        /// <summary>The latest invocation among the cluster's operations (the initial value's write is at the start of time).</summary>
        public TimeSpan LatestStart => Reads.Select(r => r.Invoked).Append(Write?.Invoked ?? TimeSpan.MinValue).Max();

        /// <summary>The earliest answer among them: an unanswered or indeterminate write never ends; the initial value ends at the start.</summary>
        public TimeSpan EarliestEnd => Reads.Select(r => r.Completed!.Value).Append(Write is null ? TimeSpan.MinValue : End(Write)).Min();

        public bool IsForward => EarliestEnd < LatestStart;

        public Operation? LastRead => Reads.MaxBy(r => r.Invoked);

        private static TimeSpan End(Operation write) => write.Outcome == Outcome.Ok && write.Completed is { } done ? done : TimeSpan.MaxValue;
    }
}
