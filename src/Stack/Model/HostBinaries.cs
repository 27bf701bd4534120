using System.Reflection;
using Autopilot.Hosting;

namespace Autopilot.Stack.Model;

/// <summary>Where the programs of the stack are: the .NET hosts (published, or a build's output) and the Consul agent.</summary>
/// <param name="HostsFolder">Holds <c>silo/</c>, <c>gateway/</c> and <c>edge/</c> (published), or is the repository (a build's output).</param>
/// <param name="Published">Whether <see cref="HostsFolder"/> holds published hosts (else a build's output in the repository).</param>
/// <param name="Consul">The Consul agent (scripts/install-consul.sh installs it under <c>.tools/</c>).</param>
public sealed record HostBinaries(string HostsFolder, bool Published, string Consul)
{
    public const string BuildConfiguration = "Release";

    /// <summary>
    /// The standalone Aspire dashboard, the stack's trace and log viewer: a NuGet package that the command line's own build
    /// downloads (<c>PackageDownload</c> in Autopilot.Stack.csproj), which records where it lies.
    /// </summary>
    public static string Viewer { get; } = typeof(HostBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AspireDashboard").Value!;

    /// <summary>The dll of the host of <paramref name="role"/>.</summary>
    public string Dll(HostRole role) => Published
        ? Path.Combine(HostsFolder, role.Name, $"Autopilot.{role.Project}.dll")
        : Path.Combine(HostsFolder, "src", role.Project, "bin", BuildConfiguration, "net10.0", $"Autopilot.{role.Project}.dll");
}
