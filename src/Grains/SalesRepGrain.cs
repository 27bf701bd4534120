using Autopilot.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autopilot.Grains;

/// <remarks>
/// A rep serves a client when both ends agree: the rep claims the client and the client records the rep.
/// <see cref="Put"/> first makes the client record this rep (the point where the client changes hands),
/// then stores its own claim, then releases its old client. A crash in between leaves ends that disagree,
/// which every read treats as "no link", so a half-done move is never shown and a retried one completes.
/// <para>
/// Writes take turns (<see cref="TakeTurn"/>), one at a time as before, but <see cref="Put"/> interleaves so that a write
/// can wait for its turn while another waits on its new client. A write whose new client has not answered within
/// <see cref="LinkConfirmation.Within"/> gives way as soon as a later write of this rep waits: it fails with a
/// <see cref="TimeoutException"/> (its outcome unknown: the client may yet record this rep, as after any timed-out call,
/// but this rep has not stored the claim), and the later write goes on. A client on a sick silo held every later write
/// of its rep until the call's own 10 s timeout before, keys on healthy silos included (issue 19: rep writes were the
/// slowest operations on unaffected keys in the silo cut, the one-way cut, the Redis cut and the pause). A write that
/// has stored its claim likewise stops waiting for the release of its old client, and answers as stored: each assignment
/// has a name (<see cref="CustomerState.RepAssignment"/>, kept here as <see cref="SalesRepState.ClientAssignment"/>),
/// and a release names the one it ends, so a release that lands late cannot end a later assignment of the same client to
/// this rep. An old client assigned before assignments had names is released by name of rep and awaited to its end.
/// </para>
/// </remarks>
public sealed class SalesRepGrain(
    [PersistentState(SalesRepGrain.StateName, GrainStorage.Name)] IPersistentState<SalesRepState> storage,
    [FromKeyedServices(GrainStorage.Name)] IGrainStorage store,
    IStoredVersions versions,
    IGrainContext context,
    IRecordIndex index,
    ILocalSiloDetails silo) : Grain, ISalesRepGrain
{
    /// <summary>The name of the record this grain stores (its key in storage, <see cref="IStoredRecords"/>).</summary>
    public const string StateName = "salesrep";

    private readonly CommittedState<SalesRepState> state =
        new(storage, StoredCopy<SalesRepState>.Reader(store, StateName, context), readVersion: versions.Reader(StateName, context));

    // The writes' turns. Orleans runs one turn of this activation at a time, so the counter and the signal need no lock.
    private readonly SemaphoreSlim turn = new(1, 1);
    private int waitingWrites;
    private TaskCompletionSource laterWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            var facts = await LinkConfirmation.Ask(References<ICustomerGrain>.Get(GrainFactory, candidate).Facts());
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

    public Task<SalesRepPutResult> Put(string phone, string? client, CancellationToken cancellationToken = default) =>
        Store(phone, client, precondition: null);

    public Task<SalesRepPutResult> PutIf(string phone, string? client, WritePrecondition precondition, CancellationToken cancellationToken = default) =>
        Store(phone, client, precondition);

    private async Task<SalesRepPutResult> Store(string phone, string? client, WritePrecondition? precondition)
    {
        Validation.ThrowIf(Validation.NameError("rep", Rep));
        Validation.ThrowIf(Validation.PhoneError("phone", phone));
        if (client is not null)
        {
            Validation.ThrowIf(Validation.NameError("client", client));
        }

        await TakeTurn();
        try
        {
            if (precondition is not null)
            {
                // Checked in this write's turn: no other write of this rep comes between the check and the store.
                var current = await Get();
                if (precondition.Failure(current is null ? null : EntityTags.Of(current)) is { } failure)
                {
                    return current is not null && current.Phone == phone && current.Client == client
                        ? SalesRepPutResult.Stored(current)
                        : throw new PreconditionFailedException(failure);
                }
            }

            return await Write(phone, client);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<SalesRepPutResult> Write(string phone, string? client)
    {
        string? previousRep = null;
        string? assigned = null;
        if (client is not null)
        {
            var assigning = References<ICustomerGrain>.Get(GrainFactory, client).AssignRep(Rep);
            if (!await AnsweredBeforeALaterWrite(assigning))
            {
                throw new TimeoutException(
                    $"Client {client} did not answer rep {Rep} within {LinkConfirmation.Within.TotalSeconds} s and a later write of {Rep} was waiting, so this write gave way: " +
                    "the client may yet record the rep, but the rep did not store the client.");
            }

            var assignment = await assigning;
            if (!assignment.CustomerExists)
            {
                return SalesRepPutResult.ClientNotFound(client);
            }

            previousRep = assignment.PreviousRep;
            assigned = assignment.Assignment;
        }

        if (!state.Exists)
        {
            await index.Add(Catalogs.Sales, Rep);
        }

        var old = state.Exists ? state.Value : null;
        var next = new SalesRepState { Phone = phone, Client = client, ClientAssignment = assigned };
        await state.Commit(next);

        if (old?.Client is { } oldClient && oldClient != client)
        {
            if (old.ClientAssignment is { } oldAssignment)
            {
                // Stored: the write no longer waits on the old client once a later write waits; a release that lands late
                // names an assignment that a later one has replaced, and changes nothing.
                await AnsweredBeforeALaterWrite(References<ICustomerGrain>.Get(GrainFactory, oldClient).ReleaseAssignment(Rep, oldAssignment));
            }
            else
            {
                await References<ICustomerGrain>.Get(GrainFactory, oldClient).ReleaseRep(Rep);
            }
        }

        if (previousRep is not null && previousRep != Rep)
        {
            // One-way: awaiting another rep here could deadlock two reps swapping clients.
            await References<ISalesRepGrain>.Get(GrainFactory, previousRep).ClientTaken(client!);
        }

        return SalesRepPutResult.Stored(await Record(next));
    }

    public Task<RepFacts> Facts() =>
        Task.FromResult(new RepFacts(state.Exists, state.Exists ? state.Value.Client : null, silo.Name));

    public async Task ClientTaken(string client)
    {
        await TakeTurn();
        try
        {
            if (!state.Exists || state.Value.Client != client)
            {
                return;
            }

            // The message may be older than a later Put of this rep that took the client back: ask the client.
            var facts = await References<ICustomerGrain>.Get(GrainFactory, client).Facts();
            if (facts.Rep != Rep)
            {
                await state.Commit(state.Value with { Client = null, ClientAssignment = null });
            }
        }
        finally
        {
            turn.Release();
        }
    }

    // Waits for this write's turn; a write in its turn that waits on a late client learns that this one waits.
    private async Task TakeTurn()
    {
        var entered = turn.WaitAsync();
        if (!entered.IsCompleted)
        {
            waitingWrites++;
            laterWrite.TrySetResult();
            try
            {
                await entered;
            }
            finally
            {
                waitingWrites--;
            }
        }

        laterWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (waitingWrites > 0)
        {
            laterWrite.TrySetResult();
        }
    }

    // Whether a call to a client answered (or failed: awaiting it then throws) before this write gives way: false once the
    // call has taken longer than LinkConfirmation.Within of this silo's running time (a stall of the machine does not count:
    // Bounded.Delay) and a later write of this rep waits for its turn. The call then goes on and ends by itself (its own
    // timeout at the latest); its failure is observed here.
    private async Task<bool> AnsweredBeforeALaterWrite(Task call)
    {
        // The bound's timer is stopped once the call answers, not left to run out.
        using var answered = new CancellationTokenSource();
        var bound = Bounded.Delay(LinkConfirmation.Within, TimeProvider.System, answered.Token);
        if (await Task.WhenAny(call, bound) == call || await Task.WhenAny(call, laterWrite.Task) == call)
        {
            await answered.CancelAsync();
            await call;
            return true;
        }

        Bounded.ObserveFailure(call);
        return false;
    }
}
