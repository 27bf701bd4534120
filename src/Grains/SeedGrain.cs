using Autopilot.Contracts;

namespace Autopilot.Grains;

public sealed class SeedGrain(
    [PersistentState("seed", GrainStorage.Name)] IPersistentState<SeedState> storage) : Grain, ISeedGrain
{
    private readonly CommittedState<SeedState> state = new(storage);

    public async Task<bool> EnsureSeeded()
    {
        if (state.Value.Seeded)
        {
            return false;
        }

        // Customers first: a rep can only take a client that exists. Every put is idempotent, so a seed cut short is simply redone.
        foreach (var (company, location) in SeedData.Customers)
        {
            await GrainFactory.GetGrain<ICustomerGrain>(company).Put(location);
        }

        foreach (var (rep, phone, client) in SeedData.Reps)
        {
            await GrainFactory.GetGrain<ISalesRepGrain>(rep).Put(phone, client);
        }

        await state.Commit(new SeedState { Seeded = true });
        return true;
    }
}
