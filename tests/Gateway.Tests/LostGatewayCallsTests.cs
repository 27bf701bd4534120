using System.Reflection;
using Autopilot.Clustering.Consul;
using Autopilot.Contracts;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A grain call waiting on a gateway the client has lost is given up: a read at once, and it is sent again; a write after the
/// grace, and it answers that its outcome is unknown. Writes that answer in time, and calls sent after the loss, are left alone.
/// </summary>
[Trait("Category", "unit")]
public sealed class LostGatewayCallsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly MethodInfo Write = typeof(ICustomerGrain).GetMethod(nameof(ICustomerGrain.Put))!;

    [Fact]
    public async Task A_read_waiting_when_its_gateway_is_lost_is_sent_again_and_answers_from_the_second_attempt()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var calls = Calls(loss);
        var attempts = new List<CancellationToken>();
        var first = new TaskCompletionSource();
        var read = calls.Read(
            async token =>
            {
                attempts.Add(token);
                if (attempts.Count == 1)
                {
                    first.SetResult();
                    await Task.Delay(Timeout.Infinite, token); // stuck behind the lost gateway until given up
                }

                return "answer";
            },
            CancellationToken.None);

        await first.Task.WaitAsync(Patience);
        loss.Lost(Lost);
        Assert.Equal("answer", await read.WaitAsync(Patience));
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[0].IsCancellationRequested, "the first attempt's call was cancelled");
    }

    [Fact]
    public async Task A_read_is_given_up_and_sent_again_as_soon_as_the_loss_is_told_while_a_write_waits_out_the_grace()
    {
        // One clock for the loss and the calls, moved by this test: the read's second attempt comes with the clock standing
        // at the moment the loss is told, and the write is given up only once the clock has moved on by the grace.
        var time = new FakeTimeProvider();
        var loss = new GatewayLoss(time);
        var calls = new LostGatewayCalls(NullLogger<LostGatewayCalls>.Instance, loss, time);
        var (read, readSent, readAttempts) = ReadStuckOnce(calls);
        var (write, writeSent) = WriteStuck(calls);
        await readSent.WaitAsync(Patience);
        await writeSent.WaitAsync(Patience);

        var told = loss.Token;
        loss.Lost(Lost);
        time.Advance(GatewayLoss.ListApplied);
        Assert.True(told.IsCancellationRequested, "the loss was not told after GatewayLoss.ListApplied");
        Assert.Equal("answer", await read.WaitAsync(Patience));
        Assert.Equal(2, readAttempts());

        // The write is still waiting for the grace on this clock, however long it waits in real time meanwhile.
        await Task.Delay(Deadlines.LostGatewayGrace * 2);
        Assert.False(write.IsCompleted, $"the write was given up before its grace: {write.Exception?.InnerException?.GetType().Name}");
        time.Advance(Deadlines.LostGatewayGrace);
        await Assert.ThrowsAsync<GatewayLostException>(() => write.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_write_waiting_when_its_gateway_is_lost_answers_that_its_outcome_is_unknown_and_is_not_sent_again()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var attempts = 0;
        var sent = new TaskCompletionSource();
        var write = Calls(loss).Write<string>(
            async token =>
            {
                attempts++;
                sent.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return "stored";
            },
            CancellationToken.None);

        await sent.Task.WaitAsync(Patience);
        loss.Lost(Lost);
        var thrown = await Assert.ThrowsAsync<GatewayLostException>(() => write.WaitAsync(Patience));
        Assert.Equal(1, attempts);
        Assert.IsAssignableFrom<TimeoutException>(thrown);
        var (status, _, detail) = ClusterExceptionHandler.Classify(thrown, read: false);
        Assert.Equal(StatusCodes.Status504GatewayTimeout, status);
        Assert.Contains("may or may not have been stored", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_answers_within_the_grace_after_the_loss_is_not_given_up()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var sent = new TaskCompletionSource();
        var answer = new TaskCompletionSource<string>();
        var attempts = 0;
        var write = Calls(loss).Write(
            token =>
            {
                attempts++;
                sent.SetResult();
                return answer.Task;
            },
            CancellationToken.None);

        await sent.Task.WaitAsync(Patience);
        // It answers (through another gateway, in milliseconds) as the loss is told: a poll for the loss could come after
        // the grace on a busy machine.
        using var answers = loss.Token.Register(() => answer.SetResult("stored"));
        loss.Lost(Lost);
        Assert.Equal("stored", await write.WaitAsync(Patience));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_call_sent_after_the_loss_is_not_given_up_for_it()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var told = loss.Token;
        loss.Lost(Lost);
        await Eventually.Holds(() => Task.FromResult(told.IsCancellationRequested), t => t, Patience, "the loss told");

        var answer = new TaskCompletionSource<string>();
        var write = Calls(loss).Write(_ => answer.Task, CancellationToken.None);
        await Task.Delay(Deadlines.LostGatewayGrace * 4);
        Assert.False(write.IsCompleted);
        answer.SetResult("stored");
        Assert.Equal("stored", await write.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_read_is_sent_again_a_bounded_number_of_times_and_then_answers_like_a_timeout()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var attempts = 0;
        var waiting = new SemaphoreSlim(0);
        var read = Calls(loss).Read<string>(
            async token =>
            {
                attempts++;
                waiting.Release();
                await Task.Delay(Timeout.Infinite, token);
                return "never";
            },
            CancellationToken.None);

        for (var round = 0; round <= LostGatewayCalls.ReadResends; round++)
        {
            Assert.True(await waiting.WaitAsync(Patience), $"attempt {round + 1} sent");
            loss.Lost(Lost);
        }

        await Assert.ThrowsAsync<GatewayLostException>(() => read.WaitAsync(Patience));
        Assert.Equal(LostGatewayCalls.ReadResends + 1, attempts);
    }

    [Fact]
    public async Task A_request_the_caller_abandons_is_cancelled_as_the_caller_said_not_counted_as_a_lost_gateway()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        using var caller = new CancellationTokenSource();
        var read = Calls(loss).Read<string>(
            async token =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return "never";
            },
            caller.Token);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Patience)); // not a GatewayLostException
        Assert.Equal(0, loss.Count);
    }

    [Fact]
    public async Task A_write_the_lost_gateway_rejected_is_sent_again_after_the_loss_and_left_to_answer()
    {
        // The write's first attempt waits on the gateway about to be lost, which then rejects it (a killed silo's
        // connection closing): the retry filter sends it again after its back-off, through the new list, and that
        // attempt must not be given up for the loss it came after, however long it takes.
        var loss = new GatewayLoss(TimeProvider.System);
        var firstSent = new TaskCompletionSource();
        var reject = new TaskCompletionSource();
        var secondSent = new TaskCompletionSource<CancellationToken>();
        var answer = new TaskCompletionSource();
        var write = Calls(loss).Write(
            async token =>
            {
                var call = new FakeGrainCall(Write, async attempt =>
                {
                    if (attempt == 1)
                    {
                        firstSent.SetResult();
                        await reject.Task;
                        throw RejectedCallRetryFilterTests.Rejection();
                    }

                    secondSent.SetResult(token);
                    await answer.Task.WaitAsync(token);
                });
                await RejectedCallRetryFilterTests.Filter().Invoke(call);
                return call.Attempts;
            },
            CancellationToken.None);

        await firstSent.Task.WaitAsync(Patience);
        // Rejected as the loss is told (a poll for the loss could come after the grace on a busy machine, when the first
        // attempt, still waiting, is rightly given up); the second attempt follows the back-off, after the loss.
        using var rejects = loss.Token.Register(reject.SetResult);
        loss.Lost(Lost);
        var secondToken = await secondSent.Task.WaitAsync(Patience);
        await Task.Delay(Deadlines.LostGatewayGrace * 4);
        Assert.False(write.IsCompleted, $"the write sent again after the loss was given up: {write.Exception?.InnerException?.GetType().Name}");
        Assert.False(secondToken.IsCancellationRequested, "the second attempt's call was cancelled");
        answer.SetResult();
        Assert.Equal(2, await write.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_write_whose_attempt_through_the_retry_filter_still_waits_after_the_grace_is_given_up()
    {
        var loss = new GatewayLoss(TimeProvider.System);
        var sent = new TaskCompletionSource();
        FakeGrainCall? call = null;
        var write = Calls(loss).Write(
            async token =>
            {
                call = new FakeGrainCall(Write, async _ =>
                {
                    sent.SetResult();
                    await Task.Delay(Timeout.Infinite, token);
                });
                await RejectedCallRetryFilterTests.Filter().Invoke(call);
                return "stored";
            },
            CancellationToken.None);

        await sent.Task.WaitAsync(Patience);
        loss.Lost(Lost);
        await Assert.ThrowsAsync<GatewayLostException>(() => write.WaitAsync(Patience));
        Assert.Equal(1, call!.Attempts);
    }

    [Fact]
    public async Task A_write_whose_gateway_serves_again_within_the_grace_waits_on_for_its_answer()
    {
        // Silent to this client for a moment (a busy machine), then answering again: the gateway serves again within the
        // grace, and the write's answer still comes through its connection, kept open while it was masked.
        var time = new FakeTimeProvider();
        var loss = new GatewayLoss(time);
        var calls = new LostGatewayCalls(NullLogger<LostGatewayCalls>.Instance, loss, time);
        var sent = new TaskCompletionSource<CancellationToken>();
        var answer = new TaskCompletionSource<string>();
        var write = calls.Write(
            async token =>
            {
                sent.SetResult(token);
                return await answer.Task.WaitAsync(token);
            },
            CancellationToken.None);
        var token = await sent.Task.WaitAsync(Patience);

        var told = loss.Token;
        loss.Lost(Lost);
        time.Advance(GatewayLoss.ListApplied);
        Assert.True(told.IsCancellationRequested, "the loss was not told");
        loss.Serving([.. Lost, .. Other]);
        time.Advance(Deadlines.LostGatewayGrace * 4);
        await Task.Delay(Deadlines.LostGatewayGrace * 2);
        Assert.False(write.IsCompleted, $"the write was given up though its gateway served again: {write.Exception?.InnerException?.GetType().Name}");
        Assert.False(token.IsCancellationRequested, "the write's call was cancelled");
        answer.SetResult("stored");
        Assert.Equal("stored", await write.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_write_that_waited_on_through_a_loss_is_given_up_when_its_gateway_is_lost_again_and_stays_out()
    {
        var time = new FakeTimeProvider();
        var loss = new GatewayLoss(time);
        var (write, sent) = WriteStuck(new LostGatewayCalls(NullLogger<LostGatewayCalls>.Instance, loss, time));
        await sent.WaitAsync(Patience);

        loss.Lost(Lost);
        time.Advance(GatewayLoss.ListApplied);
        loss.Serving([.. Lost, .. Other]);
        time.Advance(Deadlines.LostGatewayGrace);
        await Task.Delay(Deadlines.LostGatewayGrace * 2);
        Assert.False(write.IsCompleted, "the write was given up on the first loss, though its gateway served again");

        // Lost again, and still out after the grace (frozen after all): given up, as on any loss.
        loss.Lost(Lost);
        loss.Serving(Other);
        time.Advance(GatewayLoss.ListApplied);
        time.Advance(Deadlines.LostGatewayGrace);
        await Assert.ThrowsAsync<GatewayLostException>(() => write.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_read_is_sent_again_at_once_even_if_its_gateway_serves_again()
    {
        // A read costs a second read: it does not wait to see whether the gateway comes back.
        var loss = new GatewayLoss(TimeProvider.System);
        var (read, first, attempts) = ReadStuckOnce(Calls(loss));
        await first.WaitAsync(Patience);
        loss.Lost(Lost);
        loss.Serving([.. Lost, .. Other]);
        Assert.Equal("answer", await read.WaitAsync(Patience));
        Assert.Equal(2, attempts());
    }

    [Fact]
    public async Task A_lost_gateway_is_out_until_it_serves_again_and_one_serving_again_before_the_loss_is_told_is_not()
    {
        var time = new FakeTimeProvider();
        var loss = new GatewayLoss(time);
        loss.Serving([.. Lost, .. Other]);
        Assert.False(loss.OutSince(0));

        loss.Lost(Lost);
        loss.Serving(Other);
        time.Advance(GatewayLoss.ListApplied);
        await Eventually.Holds(() => Task.FromResult(loss.Count), n => n == 1, Patience, "the loss told");
        Assert.True(loss.OutSince(0), "a gateway lost after a call was sent and still out");
        Assert.False(loss.OutSince(1), "a call sent after the loss is not held by it");

        loss.Serving([.. Lost, .. Other]);
        Assert.False(loss.OutSince(0), "serving again, the gateway is not out");

        // Out and serving again within the time the loss takes to be told: never out.
        loss.Lost(Lost);
        loss.Serving(Other);
        time.Advance(TimeSpan.FromMilliseconds(10));
        loss.Serving([.. Lost, .. Other]);
        time.Advance(GatewayLoss.ListApplied);
        await Eventually.Holds(() => Task.FromResult(loss.Count), n => n == 2, Patience, "the second loss told");
        Assert.False(loss.OutSince(0));

        // A dead silo's gateway never serves again: forgotten once no call can still wait on it.
        loss.Lost(Other);
        loss.Serving(Lost);
        time.Advance(GatewayLoss.ListApplied);
        await Eventually.Holds(() => Task.FromResult(loss.Count), n => n == 3, Patience, "the third loss told");
        Assert.True(loss.OutSince(2));
        time.Advance(GatewayLoss.RememberedFor + TimeSpan.FromSeconds(1));
        Assert.False(loss.OutSince(2));
    }

    // Two silos' gateways, as Orleans names them (address, proxy port, generation).
    private static readonly Uri[] Lost = [new("gwy.tcp://127.0.0.1:30001/155605302")];
    private static readonly Uri[] Other = [new("gwy.tcp://127.0.0.1:30002/155605303")];

    private static LostGatewayCalls Calls(GatewayLoss loss) => new(NullLogger<LostGatewayCalls>.Instance, loss);

    // A read whose first attempt waits until it is given up, and whose later attempts answer at once.
    private static (Task<string> Read, Task FirstSent, Func<int> Attempts) ReadStuckOnce(LostGatewayCalls calls)
    {
        var attempts = 0;
        var first = new TaskCompletionSource();
        var read = calls.Read(
            async token =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    first.SetResult();
                    await Task.Delay(Timeout.Infinite, token);
                }

                return "answer";
            },
            CancellationToken.None);
        return (read, first.Task, () => Volatile.Read(ref attempts));
    }

    // A write that waits until it is given up.
    private static (Task<string> Write, Task Sent) WriteStuck(LostGatewayCalls calls)
    {
        var sent = new TaskCompletionSource();
        var write = calls.Write<string>(
            async token =>
            {
                sent.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return "stored";
            },
            CancellationToken.None);
        return (write, sent.Task);
    }
}
