using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Tests;

/// <summary>The supervisor on real child processes: a crash is restarted, exit 2 and a stop marker are not.</summary>
[Trait("Category", "unit")]
public sealed class SupervisorTests : IDisposable
{
    private readonly RunFolder run = new(Path.Combine(Path.GetTempPath(), "autopilot-tests", $"supervisor-{Guid.NewGuid():N}"));

    public SupervisorTests() => Directory.CreateDirectory(run.Pids);

    [Fact]
    public async Task A_part_that_exits_with_bad_configuration_is_left_down_with_its_code()
    {
        var exit = await new Supervisor("part", run, "sh", ["-c", "exit 2"]).RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Equal("2", File.ReadAllText(run.ExitFile("part")).Trim());
    }

    [Fact]
    public async Task A_part_that_crashes_is_started_again_until_it_is_stopped_on_purpose()
    {
        // The part counts its starts; from the third on it stops itself on purpose, as a stop would, and then exits.
        var starts = Path.Combine(run.Root, "starts");
        var script = $"echo x >> '{starts}'; if [ $(wc -l < '{starts}') -ge 3 ]; then touch '{run.StopMarker("part")}'; fi; exit 1";

        await new Supervisor("part", run, "sh", ["-c", script]).RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, File.ReadAllLines(starts).Length);
        Assert.Equal("1", File.ReadAllText(run.ExitFile("part")).Trim());
    }

    public void Dispose() => Directory.Delete(run.Root, recursive: true);
}
