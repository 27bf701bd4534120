using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>
/// A client's own probes of the silos: a silo that stops answering is silent after a while, and not once it answers; one that
/// has not answered yet is not silent.
/// </summary>
[Trait("Category", "unit")]
public sealed class GatewayProbesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_silo_that_stops_answering_is_silent_until_it_answers_again_and_one_no_longer_followed_is_not()
    {
        await using var silo = await FreezableSilo.StartAsync();
        await using var probes = new GatewayProbes(TimeProvider.System, NullLogger<GatewayProbes>.Instance);
        probes.Follow(new Dictionary<string, Uri> { ["silo-a"] = silo.Base });

        // Answering: never silent, over several silences' worth of time.
        var until = DateTime.UtcNow + GatewayProbes.SilentAfter * 3;
        while (DateTime.UtcNow < until)
        {
            Assert.False(probes.IsSilent("silo-a"), "a silo that answers counted as silent");
            await Task.Delay(100);
        }

        Assert.True(silo.Asked > 3, $"the silo was asked {silo.Asked} time(s) in {GatewayProbes.SilentAfter * 3}");

        silo.Frozen = true;
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-a")), s => s, Patience, "the frozen silo silent");

        silo.Frozen = false;
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-a")), s => !s, Patience, "the silo answering again");

        silo.Frozen = true;
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-a")), s => s, Patience, "the frozen silo silent again");
        probes.Follow(new Dictionary<string, Uri>());
        Assert.False(probes.IsSilent("silo-a"), "a silo no longer followed still counts as silent");
    }

    [Fact]
    public async Task A_silo_that_has_not_answered_yet_is_never_silent_and_one_that_answered_and_then_refuses_is()
    {
        // A new silo's HTTP endpoint listens seconds after the silo joined: until it first answers, it is not silent.
        await using var probes = new GatewayProbes(TimeProvider.System, NullLogger<GatewayProbes>.Instance);
        probes.Follow(new Dictionary<string, Uri> { ["silo-not-yet"] = new("http://127.0.0.1:1/") });
        var until = DateTime.UtcNow + GatewayProbes.SilentAfter * 3;
        while (DateTime.UtcNow < until)
        {
            Assert.False(probes.IsSilent("silo-not-yet"), "a silo that has not answered yet counted as silent");
            await Task.Delay(50);
        }

        Assert.False(probes.HasAnswered("silo-not-yet"), "a port that refuses counted as an answer");

        // Once it answered, a silo whose port then refuses (its process is gone) is silent.
        var silo = await FreezableSilo.StartAsync();
        probes.Follow(new Dictionary<string, Uri> { ["silo-b"] = silo.Base });
        await Eventually.Holds(() => Task.FromResult(probes.HasAnswered("silo-b")), a => a, Patience, "the silo answered");
        await silo.DisposeAsync();
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-b")), s => s, Patience, "the stopped silo silent");
        Assert.False(probes.IsSilent("silo-unknown"), "a silo never followed counts as silent");
    }

    // A silo's /health/live that can freeze: while frozen, a question waits until it is given up.
    private sealed class FreezableSilo(WebApplication app, Func<int> asked, Action<bool> freeze) : IAsyncDisposable
    {
        public Uri Base => new(app.Urls.First() + "/");

        public int Asked => asked();

        public bool Frozen
        {
            set => freeze(value);
        }

        public static async Task<FreezableSilo> StartAsync()
        {
            var frozen = false;
            var count = 0;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/health/live", async (HttpContext context) =>
            {
                Interlocked.Increment(ref count);
                while (Volatile.Read(ref frozen) && !context.RequestAborted.IsCancellationRequested)
                {
                    await Task.Delay(20, CancellationToken.None);
                }

                return Results.Text("Healthy");
            });
            await app.StartAsync();
            return new FreezableSilo(app, () => Volatile.Read(ref count), value => Volatile.Write(ref frozen, value));
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
