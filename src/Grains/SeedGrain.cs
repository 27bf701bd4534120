using Autopilot.Contracts;

namespace Autopilot.Grains;

public sealed class SeedGrain(
    [PersistentState("seed", GrainStorage.Name)] IPersistentState<SeedState> state) : Grain, ISeedGrain
{
    public async Task<bool> EnsureSeeded()
    {
        if (state.State.Seeded)
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

        state.State.Seeded = true;
        await state.WriteStateAsync();
        return true;
    }
}
