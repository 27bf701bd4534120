using Autopilot.Contracts;
using Orleans.Concurrency;

namespace Autopilot.Grains;

/// <summary>A local worker on every silo; it holds nothing, so any number of them may run.</summary>
[StatelessWorker]
public sealed class TablesGrain(IRecordIndex index) : Grain, ITablesGrain
{
    public Task<Page<CustomerRecord>> Customers(string? after, int limit, CancellationToken cancellationToken = default) =>
        Read(Catalogs.Customers, after, limit, name => References<ICustomerGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

    public Task<Page<SalesRepRecord>> SalesReps(string? after, int limit, CancellationToken cancellationToken = default) =>
        Read(Catalogs.Sales, after, limit, name => References<ISalesRepGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

    private async Task<Page<T>> Read<T>(string kind, string? after, int limit, Func<string, Task<T?>> get, CancellationToken cancellationToken)
        where T : class
    {
        Validation.ThrowIf(Paging.LimitError(limit));
        // One name more than the page tells whether another page follows.
        var names = await index.After(kind, after, limit + 1, cancellationToken);
        var page = names.Take(limit).ToList();
        var rows = await Task.WhenAll(page.Select(get));
        // A name listed without a record (a create cut short) is skipped, as the index promises.
        return new Page<T>([.. rows.OfType<T>()], names.Count > limit ? page[^1] : null);
    }
}
