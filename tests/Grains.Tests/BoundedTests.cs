namespace Autopilot.Grains.Tests;

/// <summary><see cref="Bounded.Within"/>: null only for a call that did not answer within the bound; a call's own failure, a timeout among them, is thrown.</summary>
[Trait("Category", "unit")]
public sealed class BoundedTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_call_that_answers_within_the_bound_gives_its_result()
    {
        Assert.Equal("answer", await Bounded.Within(Task.FromResult("answer"), Bound));
    }

    [Fact]
    public async Task A_call_slower_than_the_bound_gives_null()
    {
        var never = new TaskCompletionSource<string>();

        Assert.Null(await Bounded.Within(never.Task, Bound));
    }

    [Fact]
    public async Task A_call_that_fails_with_its_own_timeout_before_the_bound_is_thrown_not_taken_for_no_answer()
    {
        var own = new TimeoutException("Response did not arrive on time in 00:00:03");

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => Bounded.Within(Task.FromException<string>(own), TimeSpan.FromSeconds(30)));

        Assert.Same(own, thrown);
    }

    [Fact]
    public async Task A_call_that_fails_otherwise_before_the_bound_is_thrown()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded.Within(Task.FromException<string>(new InvalidOperationException("storage")), TimeSpan.FromSeconds(30)));
    }
}
