using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Autopilot.Testing;

namespace Autopilot.Stack.Tests;

/// <summary>A part started under its supervisor, as <c>up</c> starts it: what reaches its process.</summary>
[Trait("Category", "unit")]
public sealed class PartProcessesTests : IDisposable
{
    private readonly RunFolder run = new(Path.Combine(Path.GetTempPath(), "autopilot-tests", $"parts-{Guid.NewGuid():N}"));

    [Fact]
    public async Task A_part_gets_the_environment_variables_whose_names_hold_a_dot()
    {
        // .NET's configuration names a logging category with dots; Debian's sh drops such names from the environment.
        const string Key = "Logging__LogLevel__Autopilot.Tests.Category";
        var processes = new PartProcesses(run);
        var part = new PartSpec("part", PartKind.Edge, 0, "sleep", ["60"], new Dictionary<string, string>(), new Dictionary<string, string>(), [],
            Readiness.Http(new Uri("http://127.0.0.1:1/")), [])
        {
            Environment = new Dictionary<string, string> { [Key] = "Trace", ["PLAIN_NAME"] = "kept" },
        };

        await processes.Start(part);
        try
        {
            // Start waits up to 10 s for the supervisor to write the part's pid; a loaded machine may need longer.
            var pid = (await Eventually.Holds(() => Task.FromResult(processes.Pid("part")), pid => pid is not null, TimeSpan.FromSeconds(60),
                "the part's pid file", () => $"; its log: {Log()}"))!.Value;
            var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0');

            Assert.Contains("PLAIN_NAME=kept", environment);
            Assert.Contains($"{Key}=Trace", environment);
        }
        finally
        {
            await processes.SignalAndWait("part", Signals.SigTerm, _ => { });
        }
    }

    private string Log() => File.Exists(run.LogFile("part")) ? File.ReadAllText(run.LogFile("part")) : "(none)";

    public void Dispose() => Directory.Delete(run.Root, recursive: true);
}
