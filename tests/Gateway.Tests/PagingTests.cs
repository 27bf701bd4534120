using System.Net;
using System.Net.Http.Headers;
using Autopilot.Contracts;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Lists come a page at a time in name order, with a cursor in <c>Link</c>; every answer carries an ETag, an
/// <c>If-None-Match</c> that names it is a 304, and an <c>If-Match</c> that does not is a 412.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class PagingTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Following_Link_walks_every_row_once_in_name_order_and_the_last_page_has_no_link()
    {
        var prefix = $"Paged {Guid.NewGuid():N}"[..14];
        var names = Enumerable.Range(0, 25).Select(i => $"{prefix} {i:00}").ToList();
        foreach (var name in names)
        {
            await (await Client.PutObject(Http.Path("customers", name), new { location = "Fargo" })).Ok<CustomerRecord>();
        }

        var seen = new List<string>();
        string? next = $"/customers?limit=10&after={PageRequest.Encode(prefix)}";
        var pages = 0;
        while (next is not null && seen.Count < names.Count)
        {
            using var response = await Client.GetAsync(next);
            var rows = await response.Ok<CustomerRecord[]>();
            pages++;
            Assert.True(rows.Length <= 10);
            seen.AddRange(rows.Select(r => r.Company).Where(c => c.StartsWith(prefix, StringComparison.Ordinal)));
            next = Http.NextLink(response);
            if (next is not null)
            {
                Assert.StartsWith("/customers?limit=10&after=", next, StringComparison.Ordinal);
            }
        }

        Assert.Equal(names, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task The_last_page_has_no_Link()
    {
        using var response = await Client.GetAsync($"/sales?after={PageRequest.Encode("zzzz")}");

        Assert.Empty(await response.Ok<SalesRepRecord[]>());
        Assert.Null(Http.NextLink(response));
    }

    [Fact]
    public async Task A_page_of_two_holds_two_rows_and_links_on()
    {
        using var response = await Client.GetAsync("/customers?limit=2");

        Assert.Equal(2, (await response.Ok<CustomerRecord[]>()).Length);
        Assert.NotNull(Http.NextLink(response));
    }

    [Theory]
    [InlineData("/customers?limit=0", "limit must be between 1 and 1000; it is 0.")]
    [InlineData("/customers?limit=1001", "limit must be between 1 and 1000; it is 1001.")]
    [InlineData("/customers?limit=ten", "limit must be a whole number between 1 and 1000; it is 'ten'.")]
    [InlineData("/sales?limit=-5", "limit must be a whole number between 1 and 1000; it is '-5'.")]
    [InlineData("/sales?limit=5&limit=6", "limit must be a whole number between 1 and 1000")]
    [InlineData("/customers?after=%21%21%21", "after is not a cursor this API gave")]
    [InlineData("/customers?after=", "after is not a cursor this API gave")]
    [InlineData("/sales?after=PGJhZD4", "after is not a cursor this API gave")]
    public async Task A_bad_limit_or_cursor_is_a_400_problem(string path, string detailPart)
    {
        var detail = await (await Client.GetAsync(path)).Problem(HttpStatusCode.BadRequest);

        Assert.Contains(detailPart, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/customers/ACME%20Corporation")]
    [InlineData("/customers?limit=3")]
    [InlineData("/sales/Alice")]
    [InlineData("/sales")]
    public async Task An_answer_carries_an_ETag_and_asking_with_it_is_a_304_with_no_body(string path)
    {
        using var first = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl?.NoCache);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        using var conditional = await Client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
        Assert.Equal(etag, conditional.Headers.ETag);
        Assert.Empty(await conditional.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/customers/ACME%20Corporation")]
    [InlineData("/customers?limit=3")]
    public async Task A_read_whose_if_match_names_the_current_ETag_or_star_is_answered_and_one_naming_another_is_a_412(string path)
    {
        using var first = await Client.GetAsync(path);
        var etag = first.Headers.ETag!;

        foreach (var (tag, status) in new[] { (etag.ToString(), HttpStatusCode.OK), ("*", HttpStatusCode.OK), ("\"other\"", HttpStatusCode.PreconditionFailed), ($"W/{etag}", HttpStatusCode.PreconditionFailed) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("If-Match", tag);
            using var response = await Client.SendAsync(request);
            if (status == HttpStatusCode.OK)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"If-Match: {tag} got {(int)response.StatusCode}");
            }
            else
            {
                Assert.Contains("If-Match names none of the current ETag", await response.Problem(status), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_change_changes_the_ETag_so_the_old_one_gets_the_new_body()
    {
        var company = $"Tagged {Guid.NewGuid():N}"[..20];
        var path = Http.Path("customers", company);
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        using var first = await Client.GetAsync(path);
        var etag = first.Headers.ETag!;

        await (await Client.PutObject(path, new { location = "Ogden" })).Ok<CustomerRecord>();
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var changed = await Client.SendAsync(again);

        Assert.Equal("Ogden", (await changed.Ok<CustomerRecord>()).Location);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }
}
