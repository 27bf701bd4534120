using Autopilot.Contracts;
using Orleans.Concurrency;

namespace Autopilot.Grains;

/// <summary>
/// A local worker on every silo; it holds nothing, so any number of them may run. Where storage can read records past their
/// activations (<see cref="IStoredRecords"/>, Redis), a page is one read of storage: the index's names, their records and
/// the records at the other end of their links at one instant, and no grain call. A row's <c>Source</c> (and the link's
/// <c>RepSource</c> or <c>TerritorySource</c>) is then this silo, which read them from storage; each link is confirmed as a
/// record's own read confirms it, both ends agreeing. Otherwise (state in memory) each row is its grain's own read.
/// </summary>
[StatelessWorker]
public sealed class TablesGrain(IRecordIndex index, IStoredRecords stored, ILocalSiloDetails silo) : Grain, ITablesGrain
{
    // The same for every silo (the grain types are), made once: a store may keep what it works out per table.
    private static StoredTable? customers;
    private static StoredTable? salesReps;

    private StoredTable CustomersTable => Volatile.Read(ref customers) ?? Once(ref customers, Customers(GrainFactory));

    private StoredTable SalesRepsTable => Volatile.Read(ref salesReps) ?? Once(ref salesReps, SalesReps(GrainFactory));

    /// <summary>What a page of <c>/customers</c> reads of storage: a customer's location and rep, and whether the rep claims it.</summary>
    public static StoredTable Customers(IGrainFactory grains) => new(
        Catalogs.Customers,
        new(References<ICustomerGrain>.TypeOf(grains), CustomerGrain.StateName, typeof(CustomerState), [nameof(CustomerState.Location), nameof(CustomerState.Rep)]),
        nameof(CustomerState.Rep),
        new(References<ISalesRepGrain>.TypeOf(grains), SalesRepGrain.StateName, typeof(SalesRepState), [nameof(SalesRepState.Client)]));

    /// <summary>What a page of <c>/sales</c> reads of storage: a rep's phone and client, and the client's location and rep.</summary>
    public static StoredTable SalesReps(IGrainFactory grains) => new(
        Catalogs.Sales,
        new(References<ISalesRepGrain>.TypeOf(grains), SalesRepGrain.StateName, typeof(SalesRepState), [nameof(SalesRepState.Phone), nameof(SalesRepState.Client)]),
        nameof(SalesRepState.Client),
        new(References<ICustomerGrain>.TypeOf(grains), CustomerGrain.StateName, typeof(CustomerState), [nameof(CustomerState.Location), nameof(CustomerState.Rep)]));

    public Task<Page<CustomerRecord>> Customers(string? after, int limit, CancellationToken cancellationToken = default) =>
        stored.Reads(CustomersTable)
            ? Stored(CustomersTable, after, limit, row =>
            {
                var (location, rep) = (row.Fields![0] ?? "", row.Fields[1]);
                // The link counts only while the rep still claims this customer, as CustomerGrain's own read confirms it.
                var confirmed = rep is not null && row.Linked?[0] == row.Name;
                return new CustomerRecord(row.Name, location, confirmed ? rep : null, silo.Name, rep is null ? null : silo.Name);
            }, cancellationToken)
            : Read(Catalogs.Customers, after, limit, name => References<ICustomerGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

    public Task<Page<SalesRepRecord>> SalesReps(string? after, int limit, CancellationToken cancellationToken = default) =>
        stored.Reads(SalesRepsTable)
            ? Stored(SalesRepsTable, after, limit, row =>
            {
                var (phone, client) = (row.Fields![0] ?? "", row.Fields[1]);
                // The client counts only while it still records this rep, as SalesRepGrain's own read confirms it.
                var confirmed = client is not null && row.Linked?[1] == row.Name;
                return new SalesRepRecord(row.Name, phone, confirmed ? client : null, confirmed ? row.Linked![0] ?? "" : null, silo.Name, client is null ? null : silo.Name);
            }, cancellationToken)
            : Read(Catalogs.Sales, after, limit, name => References<ISalesRepGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

    private static StoredTable Once(ref StoredTable? table, StoredTable made) => Interlocked.CompareExchange(ref table, made, null) ?? made;

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

    // A page of the records storage holds: one name more than the page tells whether another follows, and a name listed
    // without a record (a create cut short) is skipped, as the index promises.
    private async Task<Page<T>> Stored<T>(StoredTable table, string? after, int limit, Func<StoredRow, T> record, CancellationToken cancellationToken)
    {
        Validation.ThrowIf(Paging.LimitError(limit));
        var listed = await stored.Page(table, after, limit + 1, cancellationToken);
        var page = listed.Take(limit).ToList();
        return new Page<T>([.. page.Where(row => row.Fields is not null).Select(record)], listed.Count > limit ? page[^1].Name : null);
    }
}
