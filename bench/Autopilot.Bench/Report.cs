using System.Globalization;
using System.Text;

namespace Autopilot.Bench;

/// <summary>What one run measured: its figures, the targets judged on them, and facts about the run (machine, durations).</summary>
public sealed record Report(IReadOnlyList<Figure> Figures, IReadOnlyList<Target> Targets, IReadOnlyList<string> Notes)
{
    public string Markdown()
    {
        var text = new StringBuilder("# Autopilot benchmark\n\n");
        foreach (var note in Notes)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {note}\n");
        }

        text.Append("\n## Targets\n\n| target | figure | value | limit | held | what limits it, measured in this run |\n|---|---|---|---|---|---|\n");
        foreach (var t in Targets)
        {
            var limitedBy = t.LimitedBy ?? (t.Held || t.Value is null ? "—" : "not taken apart in this run");
            text.Append(CultureInfo.InvariantCulture, $"| {t.What} | {t.Figure} | {t.Value?.ToString(CultureInfo.InvariantCulture) ?? "not measured"} | {t.Limit.ToString(CultureInfo.InvariantCulture)} | {(t.Held ? "yes" : "NO")} | {limitedBy} |\n");
        }

        text.Append("\n## Figures\n\n| figure | median | unit | min | max | reference | ratio | what |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var f in Figures)
        {
            var failed = f.Failed is null ? "" : $" **FAILED: {f.Failed}**";
            text.Append(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value} | {f.Unit} | {f.Min} | {f.Max} | {f.Reference?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {f.Ratio?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {f.Note}{failed} |\n");
        }

        return text.ToString();
    }
}

/// <summary>
/// A target judged on one figure of this run (its value, or its ratio to its reference), and what limits it in this run's
/// figures, where they were measured.
/// </summary>
public sealed record Target(string What, string Figure, double? Value, double Limit, bool Held, string? LimitedBy = null);
