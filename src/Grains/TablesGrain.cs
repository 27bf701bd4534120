using Autopilot.Contracts;
using Orleans.Concurrency;

namespace Autopilot.Grains;

/// <summary>
/// A local worker on every silo; it holds nothing, so any number of them may run. Where storage can read records past their
/// activations (<see cref="IStoredRecords"/>, Redis), a page is two reads of storage: the index's names with their records in
/// one script, then the records at the other end of their links, and no grain call. A row's <c>Source</c> (and the
/// link's <c>RepSource</c> or <c>TerritorySource</c>) is then this silo, which read them from storage; each link is
/// confirmed as a record's own read confirms it, both ends agreeing. Otherwise (state in memory) each row is its grain's
/// own read.
/// </summary>
[StatelessWorker]
public sealed class TablesGrain(IRecordIndex index, IStoredRecords stored, ILocalSiloDetails silo) : Grain, ITablesGrain
{
    public Task<Page<CustomerRecord>> Customers(string? after, int limit, CancellationToken cancellationToken = default) =>
        stored.Supported
            ? StoredCustomers(after, limit, cancellationToken)
            : Read(Catalogs.Customers, after, limit, name => References<ICustomerGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

    public Task<Page<SalesRepRecord>> SalesReps(string? after, int limit, CancellationToken cancellationToken = default) =>
        stored.Supported
            ? StoredSalesReps(after, limit, cancellationToken)
            : Read(Catalogs.Sales, after, limit, name => References<ISalesRepGrain>.Get(GrainFactory, name).Get(cancellationToken), cancellationToken);

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

    private async Task<Page<CustomerRecord>> StoredCustomers(string? after, int limit, CancellationToken cancellationToken)
    {
        var (page, next) = await StoredPage<CustomerState>(Catalogs.Customers, References<ICustomerGrain>.TypeOf(GrainFactory), CustomerGrain.StateName, after, limit, cancellationToken);
        var reps = await Linked<SalesRepState>(References<ISalesRepGrain>.TypeOf(GrainFactory), SalesRepGrain.StateName, page.Select(row => row.State!.Rep), cancellationToken);
        return new Page<CustomerRecord>([.. page.Select(row =>
        {
            var customer = row.State!;
            if (customer.Rep is not { } candidate)
            {
                return new CustomerRecord(row.Name, customer.Location, null, silo.Name, null);
            }

            // The link counts only while the rep still claims this customer, as CustomerGrain's own read confirms it.
            var confirmed = reps[candidate] is { } rep && rep.Client == row.Name;
            return new CustomerRecord(row.Name, customer.Location, confirmed ? candidate : null, silo.Name, silo.Name);
        })], next);
    }

    private async Task<Page<SalesRepRecord>> StoredSalesReps(string? after, int limit, CancellationToken cancellationToken)
    {
        var (page, next) = await StoredPage<SalesRepState>(Catalogs.Sales, References<ISalesRepGrain>.TypeOf(GrainFactory), SalesRepGrain.StateName, after, limit, cancellationToken);
        var clients = await Linked<CustomerState>(References<ICustomerGrain>.TypeOf(GrainFactory), CustomerGrain.StateName, page.Select(row => row.State!.Client), cancellationToken);
        return new Page<SalesRepRecord>([.. page.Select(row =>
        {
            var rep = row.State!;
            if (rep.Client is not { } candidate)
            {
                return new SalesRepRecord(row.Name, rep.Phone, null, null, silo.Name, null);
            }

            // The client counts only while it still records this rep, as SalesRepGrain's own read confirms it.
            var client = clients[candidate];
            var confirmed = client is not null && client.Rep == row.Name;
            return new SalesRepRecord(row.Name, rep.Phone, confirmed ? candidate : null, confirmed ? client!.Location : null, silo.Name, silo.Name);
        })], next);
    }

    // A page of records that storage holds, and the cursor of the next page: one name more than the page tells whether
    // another follows, and a name listed without a record (a create cut short) is skipped, as the index promises.
    private async Task<(List<StoredRecord<T>> Page, string? Next)> StoredPage<T>(
        string kind, GrainType type, string stateName, string? after, int limit, CancellationToken cancellationToken)
        where T : class
    {
        Validation.ThrowIf(Paging.LimitError(limit));
        var listed = await stored.Page<T>(kind, type, stateName, after, limit + 1, cancellationToken);
        var page = listed.Take(limit).ToList();
        return ([.. page.Where(row => row.State is not null)], listed.Count > limit ? page[^1].Name : null);
    }

    // The records at the other end of a page's links, by name (null: storage holds none).
    private async Task<Dictionary<string, T?>> Linked<T>(GrainType type, string stateName, IEnumerable<string?> links, CancellationToken cancellationToken)
        where T : class
    {
        var names = links.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var records = names.Count == 0 ? [] : await stored.Read<T>(type, stateName, names, cancellationToken);
        return records.ToDictionary(record => record.Name, record => record.State, StringComparer.Ordinal);
    }
}
