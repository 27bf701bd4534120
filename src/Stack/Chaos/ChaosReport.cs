using System.Globalization;
using System.Text;

namespace Autopilot.Stack.Chaos;

/// <summary>What a chaos run writes: a table with one row per scenario, its summary line, and its verdict as an exit code.</summary>
public sealed class ChaosReport(IReadOnlyList<ScenarioResult> results)
{
    public int Violations => results.Sum(r => r.Violations);

    public int LostWrites => results.Sum(r => r.LostWrites);

    /// <summary>The worst 99th percentile of the keys away from the fault, over every scenario that had such keys.</summary>
    public TimeSpan WorstUnaffectedP99 => results.Select(r => r.Unaffected?.P99 ?? TimeSpan.Zero).DefaultIfEmpty().Max();

    public string Summary =>
        $"chaos: {results.Count} scenarios, {Violations} violations, {LostWrites} acknowledged writes lost, worst p99 of unaffected keys {WorstUnaffectedP99.TotalMilliseconds:0} ms" +
        (results.Sum(r => r.Problems.Count) is > 0 and var problems ? $", {problems} problem(s)" : "");

    /// <summary>
    /// For each scenario run more than once (<c>--repeat</c>): how many runs passed and the spread of the unaffected keys'
    /// p99, e.g. <c>silo-cut, 3 runs: 2 passed; unaffected p99 677–1,395 ms (median 760 ms)</c>. The figure is decided by
    /// the few keys a fault happens to reach, and moves from run to run.
    /// </summary>
    public IReadOnlyList<string> Spread =>
        [.. results.GroupBy(r => r.Scenario.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g =>
        {
            var p99s = g.Where(r => r.Unaffected is not null).Select(r => r.Unaffected!.P99.TotalMilliseconds).Order().ToList();
            var figures = p99s.Count == 0
                ? "no unaffected keys"
                : string.Create(CultureInfo.InvariantCulture, $"unaffected p99 {p99s[0]:N0}–{p99s[^1]:N0} ms (median {p99s[p99s.Count / 2]:N0} ms)");
            return $"{g.Key}, {g.Count()} runs: {g.Count(r => r.Passed)} passed; {figures}";
        })];

    /// <summary>0 when every scenario passed: no violation, no lost write, unaffected keys' p99 within the bound, nothing else wrong.</summary>
    public int ExitCode => results.All(r => r.Passed) ? 0 : 1;

    public string Markdown(string deployment)
    {
        var text = new StringBuilder();
        text.AppendLine("# Chaos report").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{deployment}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`{Summary}`").AppendLine();
        text.AppendLine("Each scenario: an open-loop load of its own (requests at a fixed rate whatever the answers), the fault, the heal, the cluster whole again, 3 s of quiet, then the checks. " +
            "Affected keys are those whose grains lived on the faulty silo when the fault began (by the `source` of their last answer; for a fault repeated in rounds, when any round began); an operation is on the fault if its key is affected " +
            "or if it also writes an affected key (a rep's write assigns and releases clients); every other operation counts as unaffected, reads of records whose link leads to the faulty silo included. " +
            "Both sets' figures run from the fault until the cluster was whole again. Latencies count a request never answered as waiting until the end. " +
            "The unaffected p99 says of how many requests it is: of 100 or fewer, it is the slowest one.").AppendLine();
        text.AppendLine("| scenario | result | fault | for | ok / refused / indeterminate | errors | unaffected p99 | unaffected longest without success | affected keys | on the fault: longest without success | whole again after the heal | violations | notes |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario.Name} | {(r.Passed ? "ok" : $"**{r.Outcome}**")} | {r.Fault} | {r.FaultLasted.TotalSeconds:0} s | {r.Verdict.Acknowledged} / {r.Verdict.Refused} / {r.Verdict.Indeterminate} | {r.Errors} | " +
                $"{(r.Unaffected is { } u ? $"{u.P99.TotalMilliseconds:0} ms of {u.Sent}" : "—")} | {(r.Unaffected is { } v ? $"{v.LongestWithoutSuccess.TotalSeconds:0.0} s" : "—")} | {r.AffectedKeys} | " +
                $"{(r.Affected is { } a ? $"{a.LongestWithoutSuccess.TotalSeconds:0.0} s" : "—")} | {(r.WholeAfter is { } w ? $"{w.TotalSeconds:0} s" : "never")} | {r.Violations} | " +
                $"{string.Join("; ", r.Notes.Concat(r.Problems.Select(p => $"**{p}**")))} |");
        }

        text.AppendLine();
        if (Spread is { Count: > 0 } spread)
        {
            text.AppendLine("Over the repeated runs:").AppendLine();
            foreach (var line in spread)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
            }

            text.AppendLine();
        }

        foreach (var r in results.Where(r => r.Unaffected is { } u && u.P99 > ChaosRunner.UnaffectedP99Bound))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Scenario.Name}: the slowest operations on unaffected keys: {string.Join("; ", r.SlowestUnaffected)}.").AppendLine();
        }

        foreach (var r in results.Where(r => r.Violations > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"## {r.Scenario.Name}: violations").AppendLine();
            foreach (var violation in r.Verdict.Violations.Take(20))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {violation}");
            }

            text.AppendLine();
        }

        text.AppendLine("Scenarios:").AppendLine();
        foreach (var r in results.DistinctBy(r => r.Scenario.Name, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Scenario.Name}**: {r.Scenario.What}.");
        }

        return text.ToString();
    }
}
