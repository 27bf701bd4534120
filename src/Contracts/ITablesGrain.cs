using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// The workshop's two whole tables, read in one call: the gateway asks once and the silo gathers the rows next to
/// the grains, instead of the gateway making one round trip per row. Stateless: one key (0), a worker per silo.
/// </summary>
public interface ITablesGrain : IGrainWithIntegerKey
{
    /// <summary>Every customer row, joined with its rep, in the catalog's order.</summary>
    [ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<IReadOnlyList<CustomerRecord>> Customers();

    /// <summary>Every sales rep row, joined with its client's territory, in the catalog's order.</summary>
    [ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<IReadOnlyList<SalesRepRecord>> SalesReps();
}
