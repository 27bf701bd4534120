using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

/// <summary>Creates go through the sharded index, never one grain: concurrent creates of one name make one record, of many names all of them.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class RecordIndexTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Concurrent_creates_of_one_name_make_one_record_listed_once()
    {
        var company = Unique.Name("Racing");

        var rows = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => fixture.Grains.GetGrain<ICustomerGrain>(company).Put($"City {i}")));

        Assert.All(rows, row => Assert.Equal(company, row.Company));
        Assert.Single(await fixture.Listed(Catalogs.Customers), name => name == company);
        Assert.Contains((await fixture.Grains.GetGrain<ICustomerGrain>(company).Get())!.Location, rows.Select(r => r.Location));
    }

    [Fact]
    public async Task Concurrent_creates_of_many_names_are_all_listed_in_name_order_across_every_bucket()
    {
        var prefix = $"Many {Guid.NewGuid():N}"[..13];
        var names = Enumerable.Range(0, 200).Select(i => $"{prefix} {i:000}").ToList();

        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (name, _) => await fixture.Grains.GetGrain<ICustomerGrain>(name).Put("Reno"));

        var listed = (await fixture.Listed(Catalogs.Customers)).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(names, listed);
        var buckets = names.Select(GrainRecordIndex.Bucket).Distinct().Count();
        Assert.Equal(GrainRecordIndex.Buckets, buckets);
    }

    [Fact]
    public async Task A_create_touches_one_bucket_only()
    {
        var company = Unique.Name("Single");
        var bucket = GrainRecordIndex.Bucket(company);

        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Boise");

        for (var b = 0; b < GrainRecordIndex.Buckets; b++)
        {
            var names = await fixture.Grains.GetGrain<IIndexBucketGrain>($"{Catalogs.Customers}/{b}").After(company[..^1], 1000);
            Assert.Equal(b == bucket, names.Contains(company));
        }
    }

    [Fact]
    public void Names_are_ordered_by_code_point_as_Redis_orders_their_UTF8()
    {
        string[] names = ["b", "a", "Z", "\u00e9", "\uffe0", "\U0001F600", "a b", "ab"];

        var ordered = names.Order(NameOrder.Instance).ToList();
        var bytes = names.OrderBy(n => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(n)), StringComparer.Ordinal).ToList();

        Assert.Equal(bytes, ordered);
    }
}
