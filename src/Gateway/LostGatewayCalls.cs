using Autopilot.Clustering.Consul;
using Autopilot.Hosting;

namespace Autopilot.Gateway;

/// <summary>
/// Runs the API's grain calls so that a call stuck behind a gateway this client has just lost (<see cref="GatewayLoss"/>)
/// is given up, through the call's own cancellation token (Orleans stops waiting for a cancelled call at once). A read is
/// given up at once and sent again, which goes through another gateway: one that was waiting on a healthy gateway costs a
/// second read, and one waiting on the lost gateway answers a quarter of a second sooner (issue 19, the pause: the reads
/// sent through the frozen silo in its first moments). A write is given up <see cref="Deadlines.LostGatewayGrace"/> after
/// the loss if the lost gateway is still out then (<see cref="GatewayLoss.OutSince"/>), and answers that its outcome is
/// unknown (<see cref="GatewayLostException"/>, a 504), seconds before its own timeout would have said the same: writes
/// that answer within the grace, through the other gateways, are left alone, and so are those whose gateway serves again
/// by then (a silo silent for a moment: its answers come through the connection the client kept open,
/// <see cref="GatewayMask"/>), and so is a call whose
/// attempts sent before the loss have all ended (<see cref="MarkAttempt"/>: one the lost gateway rejected, waiting in the
/// retry filter's back-off, is sent again through the new list and left to answer), and every call when the client has no
/// such signal (clustering without Consul).
/// </summary>
public sealed partial class LostGatewayCalls(ILogger<LostGatewayCalls> logger, GatewayLoss? loss = null, TimeProvider? time = null)
{
    private readonly TimeProvider time = time ?? TimeProvider.System;

    /// <summary>How many times one read is sent again after its gateway was lost, before it answers like a timeout.</summary>
    public const int ReadResends = 2;

    private static readonly System.Diagnostics.Metrics.Counter<long> GivenUp = AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.grain_calls.given_up", "{call}", "Grain calls given up because the gateway they went through was lost");

    /// <summary>Whether calls are given up when their gateway is lost: the client tells of its losses, and the switch is on.</summary>
    public bool GivesUpCalls => loss is not null;

    /// <summary>A read: given up at once and sent again (at most <see cref="ReadResends"/> times) when its gateway is lost while it waits.</summary>
    public async Task<T> Read<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await Guarded(read, TimeSpan.Zero, cancellationToken);
            }
            catch (GatewayLostException) when (attempt < ReadResends)
            {
                LogReadSentAgain(logger, attempt + 1);
            }
        }
    }

    /// <summary>A write: when its gateway is lost while it waits, and it still waits after the grace, it answers that its outcome is unknown.</summary>
    public async Task<T> Write<T>(Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await Guarded(write, Deadlines.LostGatewayGrace, cancellationToken);
        }
        catch (GatewayLostException)
        {
            LogWriteGivenUp(logger);
            throw;
        }
    }

    /// <summary>
    /// Marks one attempt of the grain call running in this flow, as <see cref="RejectedCallRetryFilter"/> sends it, until
    /// the mark is disposed: the call is given up for a lost gateway only while an attempt sent before the loss still
    /// waits. An attempt sent after it (a rejected call sent again after its back-off) goes through the new list and is
    /// left to answer. Outside a guarded call, or without the signal, the mark does nothing.
    /// </summary>
    public static Attempt MarkAttempt() => new(Current.Value);

    private static readonly AsyncLocal<GuardedCall?> Current = new();

    private async Task<T> Guarded<T>(Func<CancellationToken, Task<T>> call, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (loss is null)
        {
            return await call(cancellationToken);
        }

        var guarded = new GuardedCall(loss, grace, time);
        using var callerGone = cancellationToken.UnsafeRegister(static state => ((GuardedCall)state!).CallerGone(), guarded);
        Current.Value = guarded;
        try
        {
            return await call(guarded.Token);
        }
        catch (OperationCanceledException e) when (guarded.GaveUp && !cancellationToken.IsCancellationRequested)
        {
            GivenUp.Add(1);
            throw new GatewayLostException(e);
        }
        finally
        {
            guarded.Ended();
        }
    }

    /// <summary>One attempt of a guarded call (<see cref="MarkAttempt"/>).</summary>
    public readonly struct Attempt : IDisposable
    {
        private readonly GuardedCall? call;
        private readonly int sentAfter;

        internal Attempt(GuardedCall? call)
        {
            this.call = call;
            sentAfter = call?.AttemptSent() ?? 0;
        }

        public void Dispose() => call?.AttemptEnded(sentAfter);
    }

    /// <summary>
    /// One call under guard: its own cancellation source (never linked, so never disposed: it holds no timer nor
    /// registration), the attempts still waiting (each by the number of the last loss told before it was sent,
    /// <see cref="GatewayLoss.Count"/>), and how long after a loss it is given up. After each loss told, once the grace has
    /// passed: a read is given up if an attempt sent before that loss still waits; a write, if a gateway lost since one of its
    /// waiting attempts was sent is still out (<see cref="GatewayLoss.OutSince"/>). A call not given up watches for the next
    /// loss.
    /// </summary>
    internal sealed class GuardedCall
    {
        private readonly GatewayLoss loss;
        private readonly TimeSpan grace;
        private readonly TimeProvider time;
        private readonly CancellationTokenSource source = new();
        private readonly Lock gate = new();
        private readonly List<int> waiting = [];
        private readonly int begun;
        private bool marked;
        private bool ended;
        private int gaveUp;
        private CancellationTokenRegistration watch;

        public GuardedCall(GatewayLoss loss, TimeSpan grace, TimeProvider time)
        {
            this.loss = loss;
            this.grace = grace;
            this.time = time;
            // The count first: a loss told between the two reads is then counted as after this call, and checked.
            begun = loss.Count;
            lock (gate)
            {
                // Under the lock, as Check renews it: a loss told meanwhile runs Told at once, and its Check waits for this.
                watch = WatchNextLoss();
            }
        }

        public CancellationToken Token => source.Token;

        public bool GaveUp => Volatile.Read(ref gaveUp) == 1;

        public void CallerGone() => source.Cancel();

        /// <summary>An attempt is sent now: the number of the last loss told before it.</summary>
        public int AttemptSent()
        {
            lock (gate)
            {
                marked = true;
                var after = loss.Count;
                waiting.Add(after);
                return after;
            }
        }

        public void AttemptEnded(int sentAfter)
        {
            lock (gate)
            {
                waiting.Remove(sentAfter);
            }
        }

        public void Ended()
        {
            lock (gate)
            {
                ended = true;
                watch.Dispose();
            }
        }

        private CancellationTokenRegistration WatchNextLoss() => loss.Token.UnsafeRegister(static state => ((GuardedCall)state!).Told(), this);

        // A loss was told; not on the thread that tells it: that one tells every call in flight.
        private void Told()
        {
            if (grace <= TimeSpan.Zero)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static call => call.Check(), this, preferLocal: false);
                return;
            }

            _ = Task.Delay(grace, time).ContinueWith(
                static (_, state) => ((GuardedCall)state!).Check(),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        // A call whose attempts nobody marks (the retry filter switched off) counts as one attempt, sent when it began.
        private void Check()
        {
            lock (gate)
            {
                if (ended || GaveUp)
                {
                    return;
                }

                var told = loss.Count;
                var sentAfter = marked ? waiting : [begun];
                var giveUp = grace <= TimeSpan.Zero ? sentAfter.Any(n => n < told) : sentAfter.Any(loss.OutSince);
                if (!giveUp)
                {
                    // Every gateway lost since its attempts were sent serves again (or none of them was sent before the
                    // loss): it waits on, and the next loss is checked as this one was. A loss told while the next token
                    // was being read was told on the old one: checked again too.
                    watch.Dispose();
                    watch = WatchNextLoss();
                    if (loss.Count != told)
                    {
                        Told();
                    }

                    return;
                }

                Volatile.Write(ref gaveUp, 1);
            }

            source.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A read was waiting when this client lost a gateway; sending it again (attempt {Attempt})")]
    private static partial void LogReadSentAgain(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "A write waited on a gateway this client has lost; answering that its outcome is unknown")]
    private static partial void LogWriteGivenUp(ILogger logger);
}

/// <summary>A grain call given up because the gateway it went through was lost while it waited (<see cref="LostGatewayCalls"/>).</summary>
public sealed class GatewayLostException(Exception inner) : TimeoutException(
    $"The gateway this call went through left the client's gateway list while the call waited, and it did not answer within {Deadlines.LostGatewayGrace.TotalMilliseconds:0} ms after.", inner);
