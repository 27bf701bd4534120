using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

/// <summary>A reference made from the types resolved once is the one Orleans' <c>GetGrain</c> makes, and reaches the same grain.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class ReferencesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_reference_made_from_the_resolved_types_is_the_one_GetGrain_makes()
    {
        var company = Unique.Name("Initech");
        var rep = Unique.Name("Milton");
        foreach (var _ in Enumerable.Range(0, 2)) // the first resolves the types, the second uses them
        {
            Same(fixture.Grains.GetGrain<ICustomerGrain>(company), References<ICustomerGrain>.Get(fixture.Grains, company));
            Same(fixture.Grains.GetGrain<ISalesRepGrain>(rep), References<ISalesRepGrain>.Get(fixture.Grains, rep));
        }

        await References<ICustomerGrain>.Get(fixture.Grains, company).Put("Austin");
        Assert.Equal("Austin", (await fixture.Grains.GetGrain<ICustomerGrain>(company).Get())!.Location);
    }

    private static void Same<T>(T expected, T actual)
        where T : IAddressable
    {
        var (e, a) = ((GrainReference)(object)expected, (GrainReference)(object)actual);
        Assert.Equal((e.GrainId, e.InterfaceType, e.GetType()), (a.GrainId, a.InterfaceType, a.GetType()));
        Assert.Equal(expected, actual);
    }
}
