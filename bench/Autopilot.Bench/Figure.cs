namespace Autopilot.Bench;

/// <summary>
/// One measured figure: the median of its runs, their range, and the reference measured beside it in the same run.
/// <see cref="Failed"/> says why the figure cannot be trusted (a throughput run that saw non-2xx answers), if it cannot.
/// </summary>
public sealed record Figure(string Name, double Value, string Unit, double Min, double Max, double? Reference, double? Ratio, string Note, string? Failed = null)
{
    public static Figure Of(string name, string unit, IReadOnlyList<double> runs, double? reference, string note, string? failed = null)
    {
        var median = Median(runs);
        return new Figure(name, Math.Round(median, 3), unit, Math.Round(runs.Min(), 3), Math.Round(runs.Max(), 3), reference is null ? null : Math.Round(reference.Value, 3),
            reference is > 0 ? Math.Round(median / reference.Value, 3) : null, note, failed);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
