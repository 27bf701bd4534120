using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// No Docker engine runs here, so the compose file is checked as far as this machine allows: Debian's docker-compose
/// validates it, and the images' entry points are the programs the local stack runs.
/// </summary>
[Trait("Category", "system")]
public sealed class DeploymentTests
{
    private static readonly string Deploy = Path.Combine(Repo.Root, "deploy");

    [Fact]
    public void The_compose_file_is_valid_and_only_the_edge_publishes_a_port()
    {
        var dockerCompose = DebianPackage.Ensure("docker-compose", "/usr/bin/docker-compose");

        var services = Run(dockerCompose, "-f", Path.Combine(Deploy, "docker-compose.yml"), "config", "--services").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var config = Run(dockerCompose, "-f", Path.Combine(Deploy, "docker-compose.yml"), "config");

        Assert.Equal(["consul", "edge", "gateway", "redis", "silo"], services.Order());
        Assert.Single(config.Split('\n'), line => line.Trim() == "ports:");
        Assert.Contains("published: 8080", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("gateway", "Gateway")]
    [InlineData("edge", "Edge")]
    public void Each_image_is_multi_stage_non_root_with_a_health_check_and_runs_what_the_local_stack_runs(string image, string project)
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Deploy, $"{image}.Dockerfile"));
        var stack = File.ReadAllText(Path.Combine(Repo.Root, "autopilot"));

        Assert.Equal(2, dockerfile.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains("USER app", dockerfile);
        Assert.Contains(dockerfile, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.Contains("/health/ready", StringComparison.Ordinal));
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"Autopilot.{project}.dll\"]", dockerfile);
        Assert.Contains($"dotnet \"$PUBLISH/{image}/Autopilot.{project}.dll\"", stack, StringComparison.Ordinal);
    }

    private static string Run(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "docker-compose did not finish");
        Assert.True(process.ExitCode == 0, $"docker-compose {string.Join(' ', arguments)} failed: {error}");
        return output.Result;
    }
}
