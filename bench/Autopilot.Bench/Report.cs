namespace Autopilot.Bench;

public sealed record Report(IReadOnlyList<Figure> Figures, IReadOnlyList<string> Notes);
