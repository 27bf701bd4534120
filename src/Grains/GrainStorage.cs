namespace Autopilot.Grains;

/// <summary>The name of the grain storage every grain here writes to; the silo decides whether it is Redis or memory.</summary>
public static class GrainStorage
{
    public const string Name = "store";
}
