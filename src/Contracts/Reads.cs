namespace Autopilot.Contracts;

/// <summary>
/// What every read of one record (or of a slice of the record index) promises: it changes nothing
/// (<see cref="Orleans.Concurrency.ReadOnlyAttribute"/>), so callers may send it again after a timeout or a lost silo;
/// and it answers within <see cref="Timeout"/>, far above a read's normal latency (milliseconds) and well below the
/// ordinary response timeout, so that a read sent to a silo that just died is abandoned and retried while failure
/// detection runs, instead of hanging a request. Orleans checks response timeouts about once a second, so a read sent
/// to a frozen silo is abandoned after 3-4 s. The value is the budget's <c>Deadlines.GrainRead</c> (Hosting), written here
/// as the constant an attribute needs and pinned to it by the deadlines test; bench/README.md has its history.
/// </summary>
public static class Reads
{
    public const string Timeout = "00:00:03";
}
