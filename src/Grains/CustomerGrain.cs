using Autopilot.Contracts;

namespace Autopilot.Grains;

public sealed class CustomerGrain(
    [PersistentState("customer", GrainStorage.Name)] IPersistentState<CustomerState> state,
    ILocalSiloDetails silo) : Grain, ICustomerGrain
{
    private string Company => this.GetPrimaryKeyString();

    public async Task<CustomerRecord?> Get()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        string? rep = null;
        string? repSource = null;
        if (state.State.Rep is { } candidate)
        {
            var facts = await GrainFactory.GetGrain<ISalesRepGrain>(candidate).Facts();
            repSource = facts.Source;
            if (facts.Exists && facts.Client == Company)
            {
                rep = candidate;
            }
        }

        return new CustomerRecord(Company, state.State.Location, rep, silo.Name, repSource);
    }

    public async Task<CustomerRecord> Put(string location)
    {
        Validation.ThrowIf(Validation.NameError("company", Company));
        Validation.ThrowIf(Validation.NameError("location", location));

        if (!state.RecordExists)
        {
            // Listed first: a name in the catalog without a record is skipped, a record missing from it would be lost.
            await GrainFactory.GetGrain<ICatalogGrain>(Catalogs.Customers).Add(Company);
        }

        state.State.Location = location;
        await state.WriteStateAsync();
        return (await Get())!;
    }

    public Task<CustomerFacts> Facts() =>
        Task.FromResult(new CustomerFacts(
            state.RecordExists,
            state.RecordExists ? state.State.Location : null,
            state.RecordExists ? state.State.Rep : null,
            silo.Name));

    public async Task<RepAssignment> AssignRep(string rep)
    {
        if (!state.RecordExists)
        {
            return new RepAssignment(CustomerExists: false, PreviousRep: null);
        }

        var previous = state.State.Rep;
        if (previous != rep)
        {
            state.State.Rep = rep;
            await state.WriteStateAsync();
        }

        return new RepAssignment(CustomerExists: true, previous);
    }

    public async Task ReleaseRep(string rep)
    {
        if (state.RecordExists && state.State.Rep == rep)
        {
            state.State.Rep = null;
            await state.WriteStateAsync();
        }
    }
}
