using Autopilot.Testing;

namespace Autopilot.Consul.Tests;

/// <summary>
/// The harness's processes (Consul agents here, silos and gateways in the system tests) write to a log file named after
/// them, which a later process of the same name appends to: what one of them printed is read from its own lines only.
/// </summary>
[Trait("Category", "unit")]
public sealed class ChildProcessTests
{
    [Fact]
    public async Task A_process_printed_only_what_it_wrote_not_an_earlier_process_of_the_same_name()
    {
        var folder = Directory.CreateTempSubdirectory("autopilot-childprocess-").FullName;
        try
        {
            await using var first = ChildProcess.Start("worker", "/bin/sh", ["-c", "echo 'Declaring silo S127.0.0.1:1 dead'"], folder);
            Assert.Equal(0, await first.ExitCodeAsync(TimeSpan.FromSeconds(30)));
            await using var second = ChildProcess.Start("worker", "/bin/sh", ["-c", "echo 'watching'"], folder);
            Assert.Equal(0, await second.ExitCodeAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal(second.LogPath, first.LogPath);
            Assert.True(await Eventually.Holds(() => Task.FromResult(first.Printed("Declaring silo")), printed => printed, TimeSpan.FromSeconds(10), "the first process's line in the log"));
            Assert.True(await Eventually.Holds(() => Task.FromResult(second.Printed("watching")), printed => printed, TimeSpan.FromSeconds(10), "the second process's line in the log"));
            Assert.False(second.Printed("Declaring silo"));
            Assert.Contains("Declaring silo", await File.ReadAllTextAsync(second.LogPath), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
