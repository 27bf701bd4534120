using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// The workshop's two tables, a page at a time in name order: the gateway asks once, and the silo gathers the page's rows
/// next to the grains, so a page of L rows costs one round trip from the gateway and O(L) calls inside the cluster, whatever
/// the size of the table. Stateless: one key (0), a worker per silo. Read-only, so a caller may send it again.
/// </summary>
public interface ITablesGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> customers after the name <paramref name="after"/>, each joined with its rep.</summary>
    [ReadOnly]
    Task<Page<CustomerRecord>> Customers(string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> sales reps after the name <paramref name="after"/>, each joined with its client's territory.</summary>
    [ReadOnly]
    Task<Page<SalesRepRecord>> SalesReps(string? after, int limit, CancellationToken cancellationToken = default);
}
