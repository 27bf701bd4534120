using Autopilot.Contracts;
using Orleans.Concurrency;

namespace Autopilot.Grains;

/// <summary>A local worker on every silo; it holds nothing, so any number of them may run.</summary>
[StatelessWorker]
public sealed class TablesGrain : Grain, ITablesGrain
{
    public async Task<IReadOnlyList<CustomerRecord>> Customers()
    {
        var names = await GrainFactory.GetGrain<ICatalogGrain>(Catalogs.Customers).List();
        var rows = await Task.WhenAll(names.Select(name => GrainFactory.GetGrain<ICustomerGrain>(name).Get()));
        // A name listed without a record (a create cut short) is skipped, as the catalog promises.
        return rows.OfType<CustomerRecord>().ToArray();
    }

    public async Task<IReadOnlyList<SalesRepRecord>> SalesReps()
    {
        var names = await GrainFactory.GetGrain<ICatalogGrain>(Catalogs.Sales).List();
        var rows = await Task.WhenAll(names.Select(name => GrainFactory.GetGrain<ISalesRepGrain>(name).Get()));
        return rows.OfType<SalesRepRecord>().ToArray();
    }
}
