namespace Autopilot.Testing;

/// <summary>The place of a test in its story (<see cref="StepOrderer"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int number) : Attribute
{
    public int Number { get; } = number;
}
