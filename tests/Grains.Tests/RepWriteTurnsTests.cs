using Autopilot.Contracts;
using Autopilot.Testing;

namespace Autopilot.Grains.Tests;

/// <summary>
/// A rep's writes take turns, and a write that waits on a late client gives way to the rep's next write instead of
/// holding it (issue 19): clients named <c>Frozen …</c> answer <c>AssignRep</c> only after
/// <see cref="ClusterFixture.FrozenFor"/>, and the releases sent to clients named <c>Late …</c> arrive that late.
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

    [Fact]
    public async Task A_release_naming_an_earlier_assignment_does_not_end_a_later_one()
    {
        var company = await NewCustomer("Acme", "Reno");
        var rep = Unique.Name("Kay");

        var first = await Customer(company).AssignRep(rep);
        var second = await Customer(company).AssignRep(rep);
        Assert.NotEqual(first.Assignment, second.Assignment);

        await Customer(company).ReleaseAssignment(rep, first.Assignment!);
        Assert.Equal(rep, (await Customer(company).Facts()).Rep);
        await Customer(company).ReleaseAssignment(rep, second.Assignment!);
        Assert.Null((await Customer(company).Facts()).Rep);
    }

    [Fact]
    public async Task A_stored_write_waiting_on_the_late_release_of_its_old_client_answers_once_a_later_write_waits()
    {
        var rep = Unique.Name("Liskov");
        var old = await NewCustomer(ClusterFixture.Late, "Salem");
        var next = await NewCustomer("Globex", "Dover");
        var last = await NewCustomer("Hooli", "Provo");
        await Rep(rep).Put("555-0125", old);

        var first = Rep(rep).Put("555-0126", next);
        await ClusterFixture.ReleaseHeld(old).WaitAsync(TimeSpan.FromSeconds(30));
        var second = Rep(rep).Put("555-0127", last);
        var both = Task.WhenAll(first, second);

        Assert.Same(both, await Task.WhenAny(both, ClusterFixture.ReleaseDelivered(old)));
        var (stored, then) = ((await first).Record!, (await second).Record!);
        Assert.Equal(("555-0126", next, "555-0127", last), (stored.Phone, stored.Client, then.Phone, then.Client));

        // The late release still ends the assignment it names: nothing took the old client since.
        await ClusterFixture.ReleaseDelivered(old).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null((await Customer(old).Facts()).Rep);
    }

    [Fact]
    public async Task A_late_release_does_not_end_the_assignment_of_a_client_the_rep_took_again_meanwhile()
    {
        var rep = Unique.Name("Hamilton");
        var client = await NewCustomer(ClusterFixture.Late, "Nome");
        var other = await NewCustomer("Umbrella", "Kent");
        await Rep(rep).Put("555-0128", client);

        var away = Rep(rep).Put("555-0129", other);
        await ClusterFixture.ReleaseHeld(client).WaitAsync(TimeSpan.FromSeconds(30));
        var back = Rep(rep).Put("555-0131", client);
        await Task.WhenAll(away, back);
        await ClusterFixture.ReleaseDelivered(client).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(rep, (await Customer(client).Facts()).Rep);
        Assert.Equal(rep, (await Customer(client).Get())!.Rep);
        Assert.Equal(client, (await Rep(rep).Get())!.Client);
    }
}
