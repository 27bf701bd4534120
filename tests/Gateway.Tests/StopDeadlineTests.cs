using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>A host's stop is held to its budget: one that overruns it ends the process itself, with exit code 1 and one line.</summary>
[Trait("Category", "unit")]
public sealed class StopDeadlineTests
{
    private static readonly TimeSpan Overrun = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_stop_that_overruns_its_budget_ends_the_process_with_exit_code_1_and_says_why()
    {
        var lifetime = new Lifetime();
        var ends = new List<(int Code, string Line)>();
        using var deadline = new StopDeadline(lifetime, HostRole.Silo, Overrun, (code, line) => { lock (ends) { ends.Add((code, line)); } });
        await deadline.StartAsync(CancellationToken.None);

        await Task.Delay(Overrun * 3);
        Assert.Empty(ends);

        lifetime.StopApplication();
        await Eventually.Holds(() => Task.FromResult(Count(ends)), n => n > 0, TimeSpan.FromSeconds(30), "the overran stop ends the process");

        var end = Assert.Single(ends);
        Assert.Equal(ExitCodes.Failed, end.Code);
        Assert.Equal("autopilot silo: its stop did not end within 0.2 s (what it drains towards does not answer); ending at once with exit code 1", end.Line);
    }

    [Fact]
    public async Task A_stop_that_ends_in_time_ends_nothing()
    {
        var lifetime = new Lifetime();
        var ends = 0;
        var deadline = new StopDeadline(lifetime, HostRole.Gateway, Overrun, (_, _) => Interlocked.Increment(ref ends));
        await deadline.StartAsync(CancellationToken.None);

        lifetime.StopApplication();
        // The host disposes its services once its stop has ended.
        deadline.Dispose();

        await Task.Delay(Overrun * 5);
        Assert.Equal(0, Volatile.Read(ref ends));
    }

    [Fact]
    public void Every_host_runs_it_with_the_budgets_overrun()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddAutopilotHost(HostRole.Edge);

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(StopDeadline));
        Assert.True(Deadlines.HostShutdown < Deadlines.StopOverrun && Deadlines.StopOverrun < Deadlines.StopGrace);
    }

    private static int Count(List<(int Code, string Line)> ends)
    {
        lock (ends)
        {
            return ends.Count;
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => stopping.Cancel();
    }
}
