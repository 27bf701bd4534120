namespace Autopilot.Chaos;

/// <summary>
/// Checks the links between grains once the load has stopped and the faults have healed: every customer is claimed by one
/// rep at most, a customer's <c>rep</c> and that rep's <c>client</c> agree, and an acknowledged reassignment stands unless
/// a later or concurrent one touched its rep or its client. Hand-written for the same reason as <see cref="RegisterChecker"/>.
/// </summary>
public static class LinkChecker
{
    /// <param name="customerRep">Each customer read at the end, and the rep its record names (null: none).</param>
    /// <param name="repClient">Each rep read at the end, and the client its record names (null: none).</param>
    /// <param name="reassignments">Every reassignment sent during the run, whatever its outcome.</param>
    public static IReadOnlyList<Violation> Check(
        IReadOnlyDictionary<string, string?> customerRep, IReadOnlyDictionary<string, string?> repClient, IReadOnlyList<Reassignment> reassignments)
    {
        var violations = new List<Violation>();
        foreach (var claimed in repClient.Where(r => r.Value is not null).GroupBy(r => r.Value!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            violations.Add(new Violation(ViolationKind.DoubleClaim, $"customer/{claimed.Key}",
                $"claimed by {claimed.Count()} reps: {string.Join(", ", claimed.Select(r => r.Key).Order(StringComparer.Ordinal))}"));
        }

        foreach (var (rep, client) in repClient.Where(r => r.Value is not null))
        {
            if (customerRep.TryGetValue(client!, out var back) && !string.Equals(back, rep, StringComparison.Ordinal))
            {
                violations.Add(new Violation(ViolationKind.Disagreement, $"rep/{rep}", $"{rep} names {client} its client, but {client}'s record names {back ?? "no rep"}"));
            }
        }

        foreach (var (customer, rep) in customerRep.Where(c => c.Value is not null))
        {
            if (repClient.TryGetValue(rep!, out var forth) && !string.Equals(forth, customer, StringComparison.Ordinal))
            {
                violations.Add(new Violation(ViolationKind.Disagreement, $"customer/{customer}", $"{customer} names {rep} its rep, but {rep}'s record names {forth ?? "no client"}"));
            }
        }

        foreach (var standing in reassignments.Where(r => r.Outcome == Outcome.Ok && !reassignments.Any(other => !ReferenceEquals(other, r) && Touches(other, r) && !Before(other, r))))
        {
            if (repClient.TryGetValue(standing.Rep, out var client) && !string.Equals(client, standing.Client, StringComparison.Ordinal))
            {
                violations.Add(new Violation(ViolationKind.UndoneReassignment, $"rep/{standing.Rep}",
                    $"{standing} was acknowledged and nothing later or concurrent touched {standing.Rep} or its client, yet {standing.Rep}'s record names {client ?? "no client"}"));
            }
        }

        return violations;
    }

    // Another reassignment can change what this one set if it is of the same rep or gives this one's client to another rep.
    private static bool Touches(Reassignment other, Reassignment standing) =>
        other.Outcome != Outcome.Failed
        && (string.Equals(other.Rep, standing.Rep, StringComparison.Ordinal) || (standing.Client is not null && string.Equals(other.Client, standing.Client, StringComparison.Ordinal)));

    private static bool Before(Reassignment other, Reassignment standing) => other.Completed < standing.Invoked && other.Outcome == Outcome.Ok;
}
