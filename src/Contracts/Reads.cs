namespace Autopilot.Contracts;

/// <summary>
/// What every read of one record (or of a slice of the record index) promises: it changes nothing
/// (<see cref="Orleans.Concurrency.ReadOnlyAttribute"/>), so callers may send it again after a timeout or a lost silo;
/// and it answers within <see cref="Timeout"/>, far above a read's normal latency (milliseconds) and well below the
/// ordinary response timeout, so that a read sent to a silo that just died is abandoned and retried while failure
/// detection runs, instead of hanging a request. Orleans checks response timeouts about once a second, so a read sent
/// to a frozen silo is abandoned after 3-4 s. 2 s cut a frozen silo's outage from 7-8 s to about 5.5 s, but the timeout
/// is also the message's time to live, and in one test run after a whole-cluster crash the placement of one grain
/// never completed within its 2 s lives (every resend expired, 20 s in all). The same hang came later with 3 s (a
/// directory wait inside Orleans, now bounded by the silo's placement and system-call timeouts), so 2 s did not cause
/// it; 3 s stays, the long-tested value.
/// </summary>
public static class Reads
{
    public const string Timeout = "00:00:03";
}
