namespace Autopilot.Grains.Tests;

/// <summary>Names no other test uses, so tests sharing one cluster do not see each other's records.</summary>
internal static class Unique
{
    public static string Name(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
}
