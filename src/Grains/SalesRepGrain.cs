using Autopilot.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autopilot.Grains;

/// <remarks>
/// A rep serves a client when both ends agree: the rep claims the client and the client records the rep.
/// <see cref="Put"/> first makes the client record this rep (the point where the client changes hands),
/// then stores its own claim, then releases its old client. A crash in between leaves ends that disagree,
/// which every read treats as "no link", so a half-done move is never shown and a retried one completes.
/// </remarks>
public sealed class SalesRepGrain(
    [PersistentState(SalesRepGrain.StateName, GrainStorage.Name)] IPersistentState<SalesRepState> storage,
    [FromKeyedServices(GrainStorage.Name)] IGrainStorage store,
    IGrainContext context,
    IRecordIndex index,
    ILocalSiloDetails silo) : Grain, ISalesRepGrain
{
    private const string StateName = "salesrep";

    private readonly CommittedState<SalesRepState> state = new(storage, StoredCopy<SalesRepState>.Reader(store, StateName, context));

    private string Rep => this.GetPrimaryKeyString();

    public async Task<SalesRepRecord?> Get(CancellationToken cancellationToken = default)
    {
        var (rep, exists) = await state.Current();
        return exists ? await Record(rep) : null;
    }

    // The record as the read answers it, from a state storage confirmed: by the fenced read, or by the write just made.
    private async Task<SalesRepRecord> Record(SalesRepState rep)
    {
        string? client = null;
        string? territory = null;
        string? territorySource = null;
        if (rep.Client is { } candidate)
        {
            // Unconfirmed (the client's silo did not answer in time): this record's own claim, with no territory and no source.
            var facts = await LinkConfirmation.Ask(GrainFactory.GetGrain<ICustomerGrain>(candidate).Facts());
            territorySource = facts?.Source;
            if (facts is null)
            {
                client = candidate;
            }
            else if (facts.Exists && facts.Rep == Rep)
            {
                client = candidate;
                territory = facts.Location;
            }
        }

        return new SalesRepRecord(Rep, rep.Phone, client, territory, silo.Name, territorySource);
    }

    public async Task<SalesRepPutResult> Put(string phone, string? client, CancellationToken cancellationToken = default)
    {
        Validation.ThrowIf(Validation.NameError("rep", Rep));
        Validation.ThrowIf(Validation.PhoneError("phone", phone));
        if (client is not null)
        {
            Validation.ThrowIf(Validation.NameError("client", client));
        }

        string? previousRep = null;
        if (client is not null)
        {
            var assignment = await GrainFactory.GetGrain<ICustomerGrain>(client).AssignRep(Rep);
            if (!assignment.CustomerExists)
            {
                return SalesRepPutResult.ClientNotFound(client);
            }

            previousRep = assignment.PreviousRep;
        }

        if (!state.Exists)
        {
            await index.Add(Catalogs.Sales, Rep);
        }

        var oldClient = state.Exists ? state.Value.Client : null;
        var next = new SalesRepState { Phone = phone, Client = client };
        await state.Commit(next);

        if (oldClient is not null && oldClient != client)
        {
            await GrainFactory.GetGrain<ICustomerGrain>(oldClient).ReleaseRep(Rep);
        }

        if (previousRep is not null && previousRep != Rep)
        {
            // One-way: awaiting another rep here could deadlock two reps swapping clients.
            await GrainFactory.GetGrain<ISalesRepGrain>(previousRep).ClientTaken(client!);
        }

        return SalesRepPutResult.Stored(await Record(next));
    }

    public Task<RepFacts> Facts() =>
        Task.FromResult(new RepFacts(state.Exists, state.Exists ? state.Value.Client : null, silo.Name));

    public async Task ClientTaken(string client)
    {
        if (!state.Exists || state.Value.Client != client)
        {
            return;
        }

        // The message may be older than a later Put of this rep that took the client back: ask the client.
        var facts = await GrainFactory.GetGrain<ICustomerGrain>(client).Facts();
        if (facts.Rep != Rep)
        {
            await state.Commit(state.Value with { Client = null });
        }
    }
}
