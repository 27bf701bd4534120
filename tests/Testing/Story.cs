using Xunit;

namespace Autopilot.Testing;

/// <summary>
/// The state a story's steps share (<see cref="StepOrderer"/>): which steps passed, so that a step that needs an earlier
/// one says so plainly instead of failing on what that step left undone.
/// </summary>
public abstract class Story
{
    private readonly HashSet<int> passed = [];

    /// <summary>Runs step <paramref name="number"/>'s body and remembers whether it passed.</summary>
    public async Task Step(int number, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception failure)
        {
            await Failed(number, failure);
            throw;
        }

        lock (passed)
        {
            passed.Add(number);
        }
    }

    /// <summary>Called when step <paramref name="number"/> failed, before its failure is reported: keep what can trace it.</summary>
    protected virtual Task Failed(int number, Exception failure) => Task.CompletedTask;

    /// <summary>Fails at once unless step <paramref name="number"/> passed (<paramref name="what"/> says what it left behind).</summary>
    public void Needs(int number, string what)
    {
        lock (passed)
        {
            Assert.True(passed.Contains(number), $"This step needs {what} (step {number}), which failed or did not run.");
        }
    }
}
