namespace Autopilot.Chaos.Tests;

public sealed class LoadFiguresTests
{
    private static readonly Func<Operation, bool> Everything = _ => true;

    [Fact]
    public void The_longest_stretch_without_success_runs_from_the_window_start_to_its_end_through_refusals()
    {
        Operation[] history =
        [
            Ops.Read("a", 0.0, 0.5),
            Ops.Read(null, 1.0, 1.2, outcome: Outcome.Failed),
            Ops.Read(null, 1.5, 2.0, outcome: Outcome.Failed),
            Ops.Read("a", 3.0, 4.5),
            Ops.Read("a", 5.0, 5.2),
        ];

        var figures = LoadFigures.Of(history, Everything, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10));

        // Successes at 4.5 and 5.2 in [1, 6]: 1 → 4.5 is the longest, the refusals at 1.2 and 2.0 do not break it.
        Assert.Equal(TimeSpan.FromSeconds(3.5), figures.LongestWithoutSuccess);
        Assert.Equal((4, 2, 2, 0), (figures.Sent, figures.Ok, figures.Refused, figures.Indeterminate));
    }

    [Fact]
    public void A_request_never_answered_counts_as_waiting_until_the_history_was_read()
    {
        Operation[] history = [Ops.Read("a", 1.0, 1.1), Ops.Write("b", 2.0, null, Outcome.Indeterminate), Ops.Read("a", 3.0, 3.2)];

        var figures = LoadFigures.Of(history, Everything, TimeSpan.Zero, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(10), figures.Slowest);
        Assert.Equal(TimeSpan.FromSeconds(10), figures.P99);
        Assert.Equal(1, figures.Indeterminate);
    }

    [Fact]
    public void Only_the_chosen_keys_and_no_final_reads_count()
    {
        Operation[] history =
        [
            Ops.Read("a", 1.0, 1.1, key: "customer/Here"),
            Ops.Read("a", 1.0, 9.0, key: "customer/Elsewhere"),
            Ops.Read("a", 2.0, 2.1, final: true, key: "customer/Here"),
        ];

        var figures = LoadFigures.Of(history, o => o.Key == "customer/Here", TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

        Assert.Equal(1, figures.Sent);
        Assert.Equal(100, figures.Slowest.TotalMilliseconds, 3);
        Assert.Equal(3.9, figures.LongestWithoutSuccess.TotalSeconds, 3);
    }

    [Fact]
    public void The_99th_percentile_is_the_nearest_rank()
    {
        var hundred = Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(99), LoadFigures.Percentile(hundred, 0.99));
        Assert.Equal(TimeSpan.FromMilliseconds(7), LoadFigures.Percentile([TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(7)], 0.99));
        Assert.Equal(TimeSpan.Zero, LoadFigures.Percentile([], 0.99));
    }
}
