namespace Autopilot.Chaos;

/// <summary>
/// What clients saw of some operations (e.g. those on keys away from a fault) over a window of a history: requests sent in it by outcome, their 99th percentile of
/// latency (a request never answered counts as waiting until the history was read), and the longest stretch in the window
/// in which none of those operations succeeded (a refusal is no success).
/// </summary>
public sealed record LoadFigures(int Sent, int Ok, int Refused, int Indeterminate, TimeSpan P99, TimeSpan Slowest, TimeSpan LongestWithoutSuccess)
{
    /// <summary>
    /// Figures of the operations that <paramref name="include"/> accepts: those sent in [<paramref name="from"/>,
    /// <paramref name="to"/>], and successes that completed in it. <paramref name="end"/> is when the history was read
    /// (what a request never answered had waited by then).
    /// </summary>
    public static LoadFigures Of(IEnumerable<Operation> operations, Func<Operation, bool> include, TimeSpan from, TimeSpan to, TimeSpan end)
    {
        var mine = operations.Where(o => !o.Final && include(o)).ToList();
        var sent = mine.Where(o => o.Invoked >= from && o.Invoked <= to).ToList();
        var latencies = sent.Select(o => (o.Completed ?? end) - o.Invoked).Order().ToList();
        var successes = mine.Where(o => o.Outcome == Outcome.Ok && o.Completed is { } c && c >= from && c <= to)
            .Select(o => o.Completed!.Value).Order().ToList();
        var longest = TimeSpan.Zero;
        var last = from;
        foreach (var at in successes.Append(to))
        {
            longest = at - last > longest ? at - last : longest;
            last = at;
        }

        return new LoadFigures(
            sent.Count,
            sent.Count(o => o.Outcome == Outcome.Ok),
            sent.Count(o => o.Outcome == Outcome.Failed),
            sent.Count(o => o.Outcome == Outcome.Indeterminate),
            Percentile(latencies, 0.99),
            latencies.Count == 0 ? TimeSpan.Zero : latencies[^1],
            longest);
    }

    /// <summary>The nearest-rank percentile of sorted values (zero when there are none).</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double fraction) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    public override string ToString() =>
        $"{Sent} sent ({Ok} ok, {Refused} refused, {Indeterminate} indeterminate), p99 {P99.TotalMilliseconds:0} ms, slowest {Slowest.TotalSeconds:0.0} s, " +
        $"longest without success {LongestWithoutSuccess.TotalSeconds:0.0} s";
}
