using Autopilot.Contracts;
using Autopilot.Testing;

namespace Autopilot.Grains.Tests;

/// <summary>
/// A rep's writes take turns, and a write whose new client is late gives way to the rep's next write instead of holding
/// it (issue 19): clients named <c>Frozen …</c> answer <c>AssignRep</c> only after <see cref="ClusterFixture.FrozenFor"/>.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class RepWriteTurnsTests(ClusterFixture fixture)
{
    private ISalesRepGrain Rep(string name) => fixture.Grains.GetGrain<ISalesRepGrain>(name);

    private ICustomerGrain Customer(string name) => fixture.Grains.GetGrain<ICustomerGrain>(name);

    private async Task<string> NewCustomer(string prefix, string location)
    {
        var company = Unique.Name(prefix);
        await Customer(company).Put(location);
        return company;
    }

    [Fact]
    public async Task A_write_waiting_on_a_late_client_gives_way_to_the_next_write_of_the_rep()
    {
        var rep = Unique.Name("Grace");
        await Rep(rep).Put("555-0120", null);
        var late = await NewCustomer(ClusterFixture.Frozen, "Boston");
        var prompt = await NewCustomer("Initech", "Austin");

        var first = Rep(rep).Put("555-0121", late);
        await ClusterFixture.AssignRepAsked(late).WaitAsync(TimeSpan.FromSeconds(30));
        var second = Rep(rep).Put("555-0122", prompt);

        var gaveWay = await Assert.ThrowsAsync<TimeoutException>(() => first);
        Assert.Contains("gave way", gaveWay.Message, StringComparison.Ordinal);
        var stored = (await second).Record!;
        Assert.Equal(("555-0122", prompt, "Austin"), (stored.Phone, stored.Client, stored.Territory));

        // The late client takes the rep after all (its call was not taken back), but the rep claims the other one: no
        // read shows the late client as served, and the prompt one is served by the rep.
        await Eventually.Holds(() => Customer(late).Facts(), facts => facts.Rep == rep, TimeSpan.FromSeconds(30), "the late client records the rep");
        await Eventually.Holds(() => Customer(late).Get(), row => row!.Rep is null, TimeSpan.FromSeconds(30), "the late client's read shows no rep");
        await Eventually.Holds(() => Customer(prompt).Get(), row => row!.Rep == rep, TimeSpan.FromSeconds(30), "the prompt client's read shows the rep");
        var row = (await Rep(rep).Get())!;
        Assert.Equal(("555-0122", prompt), (row.Phone, row.Client));
    }

    [Fact]
    public async Task A_write_waiting_on_a_late_client_with_no_write_behind_it_waits_for_the_answer()
    {
        var rep = Unique.Name("Hopper");
        await Rep(rep).Put("555-0123", null);
        var late = await NewCustomer(ClusterFixture.Frozen, "Denver");

        var stored = (await Rep(rep).Put("555-0124", late)).Record!;

        Assert.Equal(("555-0124", late), (stored.Phone, stored.Client));
        Assert.Equal(rep, (await Customer(late).Get())!.Rep);
    }
}
