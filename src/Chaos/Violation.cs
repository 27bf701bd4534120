namespace Autopilot.Chaos;

/// <summary>One violation a checker found: what it breaks, on which key, and the operations that show it.</summary>
public sealed record Violation(ViolationKind Kind, string Key, string Detail)
{
    public override string ToString() => $"{Kind} on {Key}: {Detail}";
}
