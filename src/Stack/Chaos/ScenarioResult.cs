using Autopilot.Chaos;

namespace Autopilot.Stack.Chaos;

/// <summary>
/// What one scenario came to: its checked history's verdict, the figures of the keys away from the fault and of those on
/// it (from the fault until the cluster was whole again), the slowest operations on keys away from it (what spread the
/// fault), what the cluster did, and what went otherwise than expected.
/// </summary>
public sealed record ScenarioResult(
    ChaosScenario Scenario,
    string Fault,
    ChaosVerdict Verdict,
    LoadFigures? Unaffected,
    LoadFigures? Affected,
    int AffectedKeys,
    TimeSpan FaultLasted,
    TimeSpan? WholeAfter,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> SlowestUnaffected)
{
    public int Violations => Verdict.Violations.Count;

    public int LostWrites => Verdict.Violations.Count(v => v.Kind == ViolationKind.LostWrite);

    /// <summary>Answers by status other than 200 and 404 (0: none came), e.g. <c>503 x4, 504 x1</c>.</summary>
    public string Errors => Verdict.Errors.Count == 0 ? "none" : string.Join(", ", Verdict.Errors.Select(e => $"{(e.Key == 0 ? "no answer" : $"{e.Key}")} x{e.Value}"));

    public bool Passed => !Broke && (Unaffected is null || Unaffected.P99 <= ChaosRunner.UnaffectedP99Bound);

    // A guarantee broke, or the cluster did otherwise than expected (the system test fails on these).
    private bool Broke => Violations > 0 || Problems.Count > 0;

    /// <summary>
    /// "ok"; "FAILED" when a guarantee broke or the cluster did otherwise than expected; "slow" when only the unaffected keys'
    /// p99 passed its bound, a timing: the chaos command fails on it, and the system test reports it without failing.
    /// </summary>
    public string Outcome => Broke ? "FAILED" : Passed ? "ok" : $"slow (unaffected p99 over the {ChaosRunner.UnaffectedP99Bound.TotalSeconds:0} s bound)";

    /// <summary>One line for the console.</summary>
    public string Line =>
        $"{Scenario.Name}: {Outcome}; {Fault} for {FaultLasted.TotalSeconds:0} s; {Verdict.Acknowledged} ok, {Verdict.Refused} refused, {Verdict.Indeterminate} indeterminate (errors {Errors}); " +
        $"unaffected keys {(Unaffected is null ? "none" : $"p99 {Unaffected.P99.TotalMilliseconds:0} ms of {Unaffected.Sent} requests, longest without success {Unaffected.LongestWithoutSuccess.TotalSeconds:0.0} s")}; " +
        $"{AffectedKeys} affected key(s){(Affected is null ? "" : $", operations on the fault: longest without success {Affected.LongestWithoutSuccess.TotalSeconds:0.0} s, slowest answer {Affected.Slowest.TotalSeconds:0.0} s")}; " +
        $"cluster whole again {(WholeAfter is { } w ? $"{w.TotalSeconds:0} s after the heal" : "never")}; {Violations} violation(s)" +
        (Unaffected is { } u && u.P99 > ChaosRunner.UnaffectedP99Bound ? $"; slowest unaffected: {string.Join(", ", SlowestUnaffected)}" : "") +
        (Notes.Count > 0 ? $"; {string.Join("; ", Notes)}" : "") + (Problems.Count > 0 ? $"; PROBLEMS: {string.Join("; ", Problems)}" : "");
}
