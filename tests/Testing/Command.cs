using Autopilot.Stack.Processes;
using Xunit;

namespace Autopilot.Testing;

/// <summary>Runs a program to its end with a bound on its time (<see cref="ExternalProgram"/>, from the repository's root); what it printed comes back, or the test fails with it.</summary>
public static class Command
{
    public static async Task<string> Run(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, bool check = true)
    {
        var list = arguments.ToList();
        var (code, output, error) = await Try(file, list, timeout, environment);
        Assert.True(!check || code == 0, $"{Path.GetFileName(file)} {string.Join(' ', list)} exited {code}:\n{error}\n{output}");
        return output;
    }

    /// <summary>Runs and returns the exit code with both outputs, failing only if it does not finish in time.</summary>
    public static async Task<(int Code, string Output, string Error)> Try(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        try
        {
            return await ExternalProgram.Try(file, arguments, timeout, environment, Repo.Root);
        }
        catch (TimeoutException e)
        {
            Assert.Fail(e.Message);
            throw;
        }
    }
}
