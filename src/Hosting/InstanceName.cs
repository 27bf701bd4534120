namespace Autopilot.Hosting;

/// <summary>The one naming rule for a process of the stack: unique per machine and port, stable across restarts.</summary>
public static class InstanceName
{
    /// <summary><c>{role}-{machine}-{port}</c>, e.g. <c>silo-build7-11111</c>.</summary>
    public static string For(string role, int port) =>
        $"{role}-{Environment.MachineName.ToLowerInvariant()}-{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
