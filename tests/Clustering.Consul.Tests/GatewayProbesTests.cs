using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

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
    public async Task A_silo_that_stops_answering_is_silent_from_SilentAfter_on_until_it_answers_again_and_one_no_longer_followed_is_not()
    {
        // The probes keep time by a clock this test moves, once each question is answered: a loaded machine that answers
        // slowly in real time makes no silence here, and the silence begins exactly SilentAfter after the last answer.
        var time = new CountingTime();
        await using var silo = await FreezableSilo.StartAsync();
        await using var probes = new GatewayProbes(time, NullLogger<GatewayProbes>.Instance);
        probes.Follow(new Dictionary<string, Uri> { ["silo-a"] = silo.Base });

        // Answering: never silent, over several silences' worth of time. Each question makes two timers, its timeout and,
        // once its answer is counted, the wait for the next one.
        var questions = (int)(GatewayProbes.SilentAfter * 3 / GatewayProbes.Every);
        await time.Created(2, "the first answer");
        Assert.True(probes.HasAnswered("silo-a"), "the answer was not counted");
        for (var question = 2; question <= questions; question++)
        {
            time.Advance(GatewayProbes.Every);
            await time.Created(2 * question, $"answer {question}");
            Assert.False(probes.IsSilent("silo-a"), $"a silo that answers counted as silent after {question} answers");
        }

        Assert.Equal(questions, silo.Asked);

        // Frozen: silent once SilentAfter has passed since its last answer, not before.
        silo.Frozen = true;
        var lastAnswer = time.GetUtcNow();
        var step = TimeSpan.FromMilliseconds(50);
        while (time.GetUtcNow() - lastAnswer < GatewayProbes.SilentAfter * 2)
        {
            time.Advance(step);
            var elapsed = time.GetUtcNow() - lastAnswer;
            Assert.True(probes.IsSilent("silo-a") == elapsed >= GatewayProbes.SilentAfter, $"silent: {probes.IsSilent("silo-a")} {elapsed} after the last answer");
        }

        silo.Frozen = false;
        await Eventually.Holds(() => Task.FromResult(time.Moved(GatewayProbes.Every, () => probes.IsSilent("silo-a"))), s => !s, Patience, "the silo answering again");

        silo.Frozen = true;
        await Eventually.Holds(() => Task.FromResult(time.Moved(GatewayProbes.Every, () => probes.IsSilent("silo-a"))), s => s, Patience, "the frozen silo silent again");
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

    [Fact]
    public async Task A_silent_silo_counts_as_silent_to_the_list_only_once_another_silo_answered_a_question_asked_after_it_went_quiet()
    {
        // Alone, a frozen silo is silent, but no other silo has answered since: a client that stalled itself sees the same.
        await using var probes = new GatewayProbes(TimeProvider.System, NullLogger<GatewayProbes>.Instance);
        await using var a = await FreezableSilo.StartAsync();
        probes.Follow(new Dictionary<string, Uri> { ["silo-a"] = a.Base });
        await Eventually.Holds(() => Task.FromResult(probes.HasAnswered("silo-a")), h => h, Patience, "silo a answered");
        a.Frozen = true;
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-a")), s => s, Patience, "silo a silent");
        var until = DateTime.UtcNow + GatewayProbes.SilentAfter;
        while (DateTime.UtcNow < until)
        {
            Assert.False(probes.OthersAnsweredSince("silo-a"), "others answered since, with no other silo followed");
            await Task.Delay(50);
        }

        // Another silo, followed from now on, answers questions asked after a's last answer: a is silent to the list.
        await using var b = await FreezableSilo.StartAsync();
        probes.Follow(new Dictionary<string, Uri> { ["silo-a"] = a.Base, ["silo-b"] = b.Base });
        await Eventually.Holds(() => Task.FromResult(probes.OthersAnsweredSince("silo-a")), o => o, Patience, "silo b answered after silo a went quiet");
        Assert.False(probes.OthersAnsweredSince("silo-b"), "silo a, frozen all along, counted as having answered since silo b's last answer");
        Assert.False(probes.OthersAnsweredSince("silo-unknown"), "a silo never followed");

        a.Frozen = false;
        await Eventually.Holds(() => Task.FromResult(probes.IsSilent("silo-a")), s => !s, Patience, "silo a answering again");
    }

    // A fake clock that counts the timers made on it, so that a test can wait until a probe is waiting on it.
    private sealed class CountingTime : FakeTimeProvider
    {
        private int created;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref created);
            return timer;
        }

        public Task Created(int timers, string what) =>
            Eventually.Holds(() => Task.FromResult(Volatile.Read(ref created)), n => n >= timers, Patience, what);

        // Moves the clock on by step, then reads.
        public T Moved<T>(TimeSpan step, Func<T> read)
        {
            Advance(step);
            return read();
        }
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
            builder.Logging.WarningsOnlyOnConsole();
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
