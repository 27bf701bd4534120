using System.Globalization;
using System.Text.RegularExpressions;
using Autopilot.Testing;
using Microsoft.Playwright;
using static Autopilot.SystemTests.Chromium;

namespace Autopilot.SystemTests;

/// <summary>
/// <c>./autopilot demo --fresh</c> watched from the page, one test per step of the demo (<see cref="StepOrderer"/>), so that a
/// step that breaks its promise does not hide how the others went: each must read back every write it saw acknowledged,
/// and every step but the crash must fail no request. Its own figure must say what it promises (the activations spread,
/// the crashed silo's grain answers from a survivor), the page's timeline shows the killed silo's death, and the demo
/// ends with exit code 0 and prints its figures.
/// </summary>
[Trait("Category", "system")]
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed partial class DemoTests(DemoTests.State state) : IClassFixture<DemoTests.State>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    // How long one step of the demo may take: its own bound is 2 min (EvenBound), then the read-back.
    private static readonly TimeSpan StepBound = TimeSpan.FromMinutes(5);

    [Fact]
    [Step(1)]
    public Task The_demo_starts_its_stack_and_the_page_shows_both_silos() => state.Step(1, async () =>
    {
        var chromium = Chromium.Ensure();
        state.Demo = state.Stack.Start("demo", "--fresh", "--base-port", $"{state.Stack.BasePort}", "--port", $"{state.Stack.EdgePort}");
        var demo = state.Demo;
        await Eventually.Holds(() => Task.FromResult(demo.Printed("Step 1 of 6") || demo.HasExited), started => started, TimeSpan.FromMinutes(10),
            "the demo starts its stack and its first step", demo.Tail);
        Assert.False(demo.HasExited, demo.Tail());

        state.Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        state.Browser = await Chromium.LaunchAsync(state.Playwright, chromium);
        state.Page = await state.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        await state.Page.GotoAsync(state.Stack.Ports.EdgeUrl.ToString());
        await Expect(state.Page.Locator("#silos tr").Filter(new() { HasText = "silo-2" })).ToHaveCountAsync(1, new() { Timeout = Ms(Generous) });
    });

    [Fact]
    [Step(2)]
    public Task Its_first_step_writes_its_customers_under_load_and_fails_no_request() => state.Step(2, async () =>
    {
        var step = await DemoStep(1);
        Assert.True(step.Figure.StartsWith("activations: ", StringComparison.Ordinal), $"step 1 says: {step.Figure}");
    });

    [Fact]
    [Step(3)]
    public Task A_third_silo_joins_and_the_activations_spread_with_no_request_failed() => state.Step(3, async () =>
    {
        var step = await DemoStep(2);
        Assert.True(step.Figure.StartsWith("no silo above", StringComparison.Ordinal), $"step 2 says: {step.Figure}");
    });

    [Fact]
    [Step(4)]
    public Task A_silo_stopped_leaves_gracefully_and_no_request_fails() => state.Step(4, () => DemoStep(3));

    [Fact]
    [Step(5)]
    public Task A_silo_killed_is_declared_dead_its_grain_answers_from_a_survivor_with_its_state_and_the_page_shows_its_death() => state.Step(5, async () =>
    {
        var step = await DemoStep(4);
        Assert.True(state.Page is not null, "The page did not open (step 1).");
        Assert.True(step.Figure.Contains("answered again from", StringComparison.Ordinal) && step.Figure.Contains("with its state", StringComparison.Ordinal)
            && step.Figure.Contains("silo-2 declared dead after", StringComparison.Ordinal), $"step 4 says: {step.Figure}");
        await Expect(state.Page!.Locator("#timeline")).ToContainTextAsync("silo-2 was declared dead", new() { Timeout = Ms(Generous) });
        state.Screenshot = Path.Combine(Hosts.LogDirectory, "demo-step-4.png");
        await state.Page.ScreenshotAsync(new() { Path = state.Screenshot, FullPage = true });
        Assert.True(new FileInfo(state.Screenshot).Length > 10_000, $"{state.Screenshot} is no screenshot");
    });

    [Fact]
    [Step(6)]
    public Task Consul_restarts_and_no_request_fails() => state.Step(6, () => DemoStep(5));

    [Fact]
    [Step(7)]
    public Task Nginx_follows_three_gateways_then_one_and_no_request_fails() => state.Step(7, () => DemoStep(6));

    [Fact]
    [Step(8)]
    public Task The_demo_ends_with_exit_code_0_and_says_every_promise_held() => state.Step(8, async () =>
    {
        var demo = state.Demo ?? throw new InvalidOperationException("The demo did not start (step 1).");
        var exitCode = await demo.ExitCodeAsync(StepBound);
        Assert.True(exitCode == 0, $"the demo ended with exit code {exitCode}: {demo.Tail()}");
        Assert.True(demo.Printed("every promise held"), demo.Tail());
        TestFigures.Print($"demo: {File.ReadLines(demo.LogPath).Last(l => l.StartsWith("demo: ", StringComparison.Ordinal))}; the page during step 4: {state.Screenshot}");
    });

    /// <summary>
    /// Waits for the demo to print step <paramref name="number"/>'s outcome, and asserts its promise: every write it saw
    /// acknowledged read back, and no request failed unless it is the crash (step 4).
    /// </summary>
    private async Task<StepOutcome> DemoStep(int number)
    {
        var demo = state.Demo ?? throw new InvalidOperationException("The demo did not start (step 1).");
        var outcome = await Eventually.Holds(() => Read(demo, number), o => o is not null, StepBound, $"the demo prints the outcome of its step {number}", demo.Tail);
        Assert.False(ReferenceEquals(outcome, StepOutcome.None), $"the demo ended before step {number}'s outcome: {demo.Tail()}");
        Assert.True(outcome!.Lost == 0, $"step {number}: {outcome.Lost} of {outcome.ReadBack} acknowledged writes lost\n{outcome.Text}");
        Assert.True(number == 4 || outcome.Failed == 0, $"step {number}: {outcome.Failed} of {outcome.Requests} requests failed\n{outcome.Text}");
        return outcome;
    }

    // Step n's outcome as the demo printed it; None once it has ended without it, null while it may still print it. Whether
    // it ended is asked first, and its output read to the end before the log is: the last step's lines and the exit came
    // together in a CI run, and a log read just before them, with the exit seen just after, said the step never ended.
    private static async Task<StepOutcome?> Read(ChildProcess demo, int number)
    {
        var ended = demo.HasExited;
        if (ended)
        {
            await demo.ExitCodeAsync(TimeSpan.FromSeconds(30));
        }

        return Outcome(File.ReadAllText(demo.LogPath), number) ?? (ended ? StepOutcome.None : null);
    }

    // Step n's lines in the demo's output: "Step n of 6: ...", what to look for, then its figure and its count:
    // "  12.3 s; 456 requests, 0 failed; 78 acknowledged writes read back, 0 lost". Null until the count is printed.
    private static StepOutcome? Outcome(string log, int number)
    {
        var start = log.IndexOf($"Step {number} of 6:", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var lines = log[start..].Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            if (Count().Match(lines[i]) is { Success: true } count)
            {
                int Number(string name) => int.Parse(count.Groups[name].Value, CultureInfo.InvariantCulture);
                // The figure is the line before the count, but the live line may come in between.
                var figure = lines[..i].Last(l => !Live().IsMatch(l)).Trim();
                return new StepOutcome(figure, Number("requests"), Number("failed"), Number("read"), Number("lost"), string.Join('\n', lines[..(i + 1)]));
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s+\d+\.\d s; (?<requests>\d+) requests, (?<failed>\d+) failed; (?<read>\d+) acknowledged writes read back, (?<lost>\d+) lost\s*$")]
    private static partial Regex Count();

    // The demo's live line, written every five seconds into a file: "  ok 1234, failed 0 | activations ... | ACME ... served by silo-1".
    [GeneratedRegex(@"^\s+ok \d+, failed \d+ \|")]
    private static partial Regex Live();

    /// <summary>One step of the demo as it printed it: its figure line, its counts, and its lines.</summary>
    private sealed record StepOutcome(string Figure, int Requests, int Failed, int ReadBack, int Lost, string Text)
    {
        public static readonly StepOutcome None = new("", 0, 0, 0, 0, "");
    }

    /// <summary>The demo's stack, the demo's process and the browser that watches its page.</summary>
    public sealed class State : Story, IAsyncLifetime
    {
        public StackCommand Stack { get; } = new(publish: false);

        public ChildProcess? Demo { get; set; }

        public IPlaywright? Playwright { get; set; }

        public IBrowser? Browser { get; set; }

        public IPage? Page { get; set; }

        public string? Screenshot { get; set; }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (Browser is not null)
            {
                await Browser.DisposeAsync();
            }

            Playwright?.Dispose();
            if (Demo is not null)
            {
                await Demo.DisposeAsync();
            }

            await Stack.DisposeAsync();
        }
    }
}
