using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class TablesGrainTests(ClusterFixture fixture)
{
    private ITablesGrain Tables => fixture.Grains.GetGrain<ITablesGrain>(0);

    [Fact]
    public async Task A_customer_page_joins_each_customer_with_its_rep()
    {
        var company = Unique.Name("Cyberdyne");
        var rep = Unique.Name("Miles");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Los Angeles");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0101", company);

        var page = await Tables.Customers(Before(company), 1);

        var row = Assert.Single(page.Rows);
        Assert.Equal((company, "Los Angeles", rep), (row.Company, row.Location, row.Rep!));
        Assert.False(string.IsNullOrEmpty(row.Source));
        Assert.False(string.IsNullOrEmpty(row.RepSource));
    }

    [Fact]
    public async Task A_sales_page_joins_each_rep_with_its_clients_territory()
    {
        var company = Unique.Name("Tyrell");
        var rep = Unique.Name("Rachael");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Los Angeles");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0102", company);

        var page = await Tables.SalesReps(Before(rep), 1);

        var row = Assert.Single(page.Rows);
        Assert.Equal((rep, company, "Los Angeles", "555-0102"), (row.Rep, row.Client!, row.Territory!, row.Phone));
        Assert.False(string.IsNullOrEmpty(row.TerritorySource));
    }

    [Fact]
    public async Task Walking_the_cursor_gives_every_row_once_in_name_order_and_the_last_page_has_no_cursor()
    {
        var prefix = $"Walk {Guid.NewGuid():N}"[..13];
        var names = Enumerable.Range(0, 23).Select(i => $"{prefix} {i:00}").ToList();
        await Task.WhenAll(names.Select(name => fixture.Grains.GetGrain<ICustomerGrain>(name).Put("Dallas")));

        var seen = new List<string>();
        string? after = Before(names[0]);
        var pages = 0;
        while (true)
        {
            var page = await Tables.Customers(after, 5);
            pages++;
            seen.AddRange(page.Rows.Select(r => r.Company).Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));
            if (page.Next is null || !page.Next.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            Assert.Equal(page.Rows[^1].Company, page.Next);
            after = page.Next;
        }

        Assert.Equal(names, seen);
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task The_last_page_has_no_cursor()
    {
        var page = await Tables.Customers("\U0010FFFF", 10);

        Assert.Empty(page.Rows);
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_page_size_outside_1_to_1000_is_refused(int limit)
    {
        await Assert.ThrowsAsync<ValidationException>(() => Tables.Customers(null, limit));
    }

    [Fact]
    public async Task A_page_call_takes_the_callers_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Tables.Customers(null, 10, cancelled.Token));
    }

    /// <summary>A cursor just before <paramref name="name"/>: the page starts there.</summary>
    private static string Before(string name) => name[..^1] + (char)(name[^1] - 1) + "\U0010FFFF";
}
