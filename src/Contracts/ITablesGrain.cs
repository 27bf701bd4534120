using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// The workshop's two whole tables, read in one call: the gateway asks once and the silo gathers the rows next to
/// the grains, instead of the gateway making one round trip per row. Stateless: one key (0), a worker per silo.
/// Read-only, so callers may send them again; not bounded by <see cref="Reads.Timeout"/>, since their time grows
/// with the table (each row's read inside is bounded).
/// </summary>
public interface ITablesGrain : IGrainWithIntegerKey
{
    /// <summary>Every customer row, joined with its rep, in the catalog's order.</summary>
    [ReadOnly]
    Task<IReadOnlyList<CustomerRecord>> Customers();

    /// <summary>Every sales rep row, joined with its client's territory, in the catalog's order.</summary>
    [ReadOnly]
    Task<IReadOnlyList<SalesRepRecord>> SalesReps();
}
