using System.Reflection;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>The silo and gateway programs from this build, started as child processes with their own ports.</summary>
internal static class Hosts
{
    private static readonly string Configuration =
        typeof(Hosts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    public static string LogDirectory { get; } = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"system-{Environment.ProcessId}");

    public static string Dll(string project) =>
        Path.Combine(Repo.Root, "src", project, "bin", Configuration, "net10.0", $"Autopilot.{project}.dll") is var path && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build the solution first (./autopilot test does).");

    public static ChildProcess Start(string name, string project, IEnumerable<string> arguments) =>
        ChildProcess.Start(name, "dotnet", [Dll(project), .. arguments], LogDirectory);
}
