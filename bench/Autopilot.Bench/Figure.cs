namespace Autopilot.Bench;

/// <summary>One measured figure: the median of its runs, their range, and the reference measured beside it in the same run.</summary>
public sealed record Figure(string Name, double Value, string Unit, double Min, double Max, double? Reference, double? Ratio, string Note)
{
    public static Figure Of(string name, string unit, IReadOnlyList<double> runs, double? reference, string note)
    {
        var sorted = runs.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return new Figure(name, Math.Round(median, 3), unit, Math.Round(sorted[0], 3), Math.Round(sorted[^1], 3), reference is null ? null : Math.Round(reference.Value, 3),
            reference is > 0 ? Math.Round(median / reference.Value, 3) : null, note);
    }
}
