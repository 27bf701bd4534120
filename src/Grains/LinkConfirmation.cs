namespace Autopilot.Grains;

/// <summary>
/// How a record's read asks the other end of its link (a customer's rep, a rep's client) to confirm it: for at most
/// <see cref="Within"/>. A silo that is frozen, cut off or overloaded must not stall the reads of records that live
/// elsewhere (issue 19: a customer read waited out the rep's 3 s read timeout, a customer write 10 s); past the bound the
/// read answers with its own record's claim, unconfirmed: the source of the other end is then null.
/// </summary>
public static class LinkConfirmation
{
    /// <summary>The budget's <c>Deadlines.LinkConfirm</c> (Hosting), written here since Grains references nothing of ours; the deadlines test pins it.</summary>
    public static readonly TimeSpan Within = TimeSpan.FromMilliseconds(500);

    /// <summary>The other end's facts, or null when they did not come within <see cref="Within"/>.</summary>
    public static Task<T?> Ask<T>(Task<T> facts)
        where T : class => Bounded.Within(facts, Within);
}
