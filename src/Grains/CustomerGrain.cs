using Autopilot.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autopilot.Grains;

public sealed class CustomerGrain(
    [PersistentState(CustomerGrain.StateName, GrainStorage.Name)] IPersistentState<CustomerState> storage,
    [FromKeyedServices(GrainStorage.Name)] IGrainStorage store,
    IStoredVersions versions,
    IGrainContext context,
    IRecordIndex index,
    ILocalSiloDetails silo) : Grain, ICustomerGrain
{
    /// <summary>The name of the record this grain stores (its key in storage, <see cref="IStoredRecords"/>).</summary>
    public const string StateName = "customer";

    private readonly CommittedState<CustomerState> state =
        new(storage, StoredCopy<CustomerState>.Reader(store, StateName, context), readVersion: versions.Reader(StateName, context));

    private string Company => this.GetPrimaryKeyString();

    public async Task<CustomerRecord?> Get(CancellationToken cancellationToken = default)
    {
        var (customer, exists) = await state.Current();
        return exists ? await Record(customer) : null;
    }

    // The record as the read answers it, from a state storage confirmed: by the fenced read, or by the write just made.
    private async Task<CustomerRecord> Record(CustomerState customer)
    {
        string? rep = null;
        string? repSource = null;
        if (customer.Rep is { } candidate)
        {
            // Unconfirmed (the rep's silo did not answer in time): this record's own claim, with no source for it.
            var facts = await LinkConfirmation.Ask(References<ISalesRepGrain>.Get(GrainFactory, candidate).Facts());
            repSource = facts?.Source;
            if (facts is null || (facts.Exists && facts.Client == Company))
            {
                rep = candidate;
            }
        }

        return new CustomerRecord(Company, customer.Location, rep, silo.Name, repSource);
    }

    public Task<CustomerRecord> Put(string location, CancellationToken cancellationToken = default) => Store(location, precondition: null);

    public Task<CustomerRecord> PutIf(string location, WritePrecondition precondition, CancellationToken cancellationToken = default) =>
        Store(location, precondition);

    private async Task<CustomerRecord> Store(string location, WritePrecondition? precondition)
    {
        Validation.ThrowIf(Validation.NameError("company", Company));
        Validation.ThrowIf(Validation.NameError("location", location));

        if (precondition is not null)
        {
            // Writes of a customer do not interleave: no other one comes between this check and the store below.
            var current = await Get();
            if (precondition.Failure(current is null ? null : EntityTags.Of(current)) is { } failure)
            {
                return current?.Location == location ? current : throw new PreconditionFailedException(failure);
            }
        }

        if (!state.Exists)
        {
            // Listed first: a name in the index without a record is skipped, a record missing from it would be lost.
            await index.Add(Catalogs.Customers, Company);
        }

        var next = state.Value with { Location = location };
        await state.Commit(next);
        return await Record(next);
    }

    public Task<CustomerFacts> Facts() =>
        Task.FromResult(new CustomerFacts(
            state.Exists,
            state.Exists ? state.Value.Location : null,
            state.Exists ? state.Value.Rep : null,
            silo.Name));

    public async Task<RepAssignment> AssignRep(string rep)
    {
        if (!state.Exists)
        {
            return new RepAssignment(CustomerExists: false, PreviousRep: null);
        }

        // A new assignment each time, even for the rep already recorded: a release of the earlier one must not end it.
        var previous = state.Value.Rep;
        var assignment = Guid.NewGuid().ToString("N");
        await state.Commit(state.Value with { Rep = rep, RepAssignment = assignment });
        return new RepAssignment(CustomerExists: true, previous, assignment);
    }

    public async Task ReleaseRep(string rep)
    {
        if (state.Exists && state.Value.Rep == rep)
        {
            await state.Commit(state.Value with { Rep = null, RepAssignment = null });
        }
    }

    public async Task ReleaseAssignment(string rep, string assignment)
    {
        if (state.Exists && state.Value.Rep == rep && state.Value.RepAssignment == assignment)
        {
            await state.Commit(state.Value with { Rep = null, RepAssignment = null });
        }
    }
}
