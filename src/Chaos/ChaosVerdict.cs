namespace Autopilot.Chaos;

/// <summary>What a checked history holds: its operations by outcome and answer, and every violation the checkers found.</summary>
public sealed record ChaosVerdict(IReadOnlyList<Operation> Operations, IReadOnlyList<Violation> Violations)
{
    public int Acknowledged => Operations.Count(o => o.Outcome == Outcome.Ok);

    public int Refused => Operations.Count(o => o.Outcome == Outcome.Failed);

    public int Indeterminate => Operations.Count(o => o.Outcome == Outcome.Indeterminate);

    /// <summary>Acknowledged writes: what a lost write would be one of.</summary>
    public int AcknowledgedWrites => Operations.Count(o => o.Kind == OperationKind.Write && o.Outcome == Outcome.Ok);

    /// <summary>Answers other than 200 and 404, by status (0: no answer).</summary>
    public IReadOnlyDictionary<int, int> Errors =>
        Operations.Where(o => o.Status is not (200 or 404)).GroupBy(o => o.Status ?? 0).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>One line: operations by outcome, errors by status, and the violations' count.</summary>
    public string Summary =>
        $"{Operations.Count} operations ({Acknowledged} ok, {Refused} refused, {Indeterminate} indeterminate; {AcknowledgedWrites} acknowledged writes), " +
        $"errors {(Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e => $"{(e.Key == 0 ? "no answer" : e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))} x{e.Value}")))}, " +
        $"{Violations.Count} violation(s)";
}
