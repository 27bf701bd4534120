using System.Net;
using System.Net.Http.Json;
using Autopilot.Contracts;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A <c>PUT</c> with <c>If-Match</c> or <c>If-None-Match</c> is conditional (RFC 9110 §13.1): the record's grain checks the
/// tags against the record's current ETag in its write's turn, so of two writers who read the same version only one
/// stores, and the other gets a 412 problem with nothing stored. A malformed header is a 400.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class ConditionalPutTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static string NewName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private Task<HttpResponseMessage> Put(string path, object body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Http.Json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return Client.SendAsync(request);
    }

    private async Task<string> ETagOf(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    [Fact]
    public async Task If_match_with_the_tag_just_read_stores_and_the_tag_changes()
    {
        var path = Http.Path("customers", NewName("Matched"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        var etag = await ETagOf(path);

        var stored = await (await Put(path, new { location = "Ogden" }, ifMatch: etag)).Ok<CustomerRecord>();

        Assert.Equal("Ogden", stored.Location);
        Assert.Equal("Ogden", (await Client.GetOk<CustomerRecord>(path)).Location);
        Assert.NotEqual(etag, await ETagOf(path));
    }

    [Fact]
    public async Task Of_two_writers_who_read_the_same_version_the_second_gets_412_and_the_first_write_stays()
    {
        var path = Http.Path("customers", NewName("Raced"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        var etag = await ETagOf(path);

        await (await Put(path, new { location = "Ogden" }, ifMatch: etag)).Ok<CustomerRecord>();
        var detail = await (await Put(path, new { location = "Logan" }, ifMatch: etag)).Problem(HttpStatusCode.PreconditionFailed);

        Assert.Contains("changed since it was read", detail, StringComparison.Ordinal);
        Assert.Equal("Ogden", (await Client.GetOk<CustomerRecord>(path)).Location);
    }

    [Fact]
    public async Task Of_many_concurrent_writers_holding_one_tag_exactly_one_stores()
    {
        var path = Http.Path("customers", NewName("Contended"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        var etag = await ETagOf(path);
        var locations = Enumerable.Range(0, 8).Select(i => $"Town {i}").ToList();

        var answers = await Task.WhenAll(locations.Select(async location =>
        {
            using var response = await Put(path, new { location }, ifMatch: etag);
            return (location, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a != winner), a => Assert.True(a.StatusCode == HttpStatusCode.PreconditionFailed, $"{(int)a.StatusCode}: {a.Body}"));
        Assert.Equal(winner.location, (await Client.GetOk<CustomerRecord>(path)).Location);
    }

    [Fact]
    public async Task A_conditional_put_sent_again_after_it_was_stored_answers_200_since_its_change_is_in_effect()
    {
        var path = Http.Path("customers", NewName("Resent"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        var etag = await ETagOf(path);
        await (await Put(path, new { location = "Ogden" }, ifMatch: etag)).Ok<CustomerRecord>();

        // As a client would after a 504: the same request again, now that the tag it names is gone.
        var again = await (await Put(path, new { location = "Ogden" }, ifMatch: etag)).Ok<CustomerRecord>();

        Assert.Equal("Ogden", again.Location);
    }

    [Fact]
    public async Task If_match_star_does_not_create_and_if_none_match_star_creates_only_once()
    {
        var path = Http.Path("customers", NewName("Created"));

        await (await Put(path, new { location = "Provo" }, ifMatch: "*")).Problem(HttpStatusCode.PreconditionFailed);
        await (await Client.GetRaw(path)).Problem(HttpStatusCode.NotFound);

        Assert.Equal("Provo", (await (await Put(path, new { location = "Provo" }, ifNoneMatch: "*")).Ok<CustomerRecord>()).Location);
        var detail = await (await Put(path, new { location = "Logan" }, ifNoneMatch: "*")).Problem(HttpStatusCode.PreconditionFailed);

        Assert.Contains("one does", detail, StringComparison.Ordinal);
        Assert.Equal("Provo", (await Client.GetOk<CustomerRecord>(path)).Location);
        Assert.Equal("Logan", (await (await Put(path, new { location = "Logan" }, ifMatch: "*")).Ok<CustomerRecord>()).Location);
    }

    [Fact]
    public async Task A_weak_tag_never_satisfies_if_match()
    {
        var path = Http.Path("customers", NewName("Weak"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();
        var etag = await ETagOf(path);

        await (await Put(path, new { location = "Logan" }, ifMatch: $"W/{etag}")).Problem(HttpStatusCode.PreconditionFailed);

        Assert.Equal("Provo", (await Client.GetOk<CustomerRecord>(path)).Location);
    }

    [Theory]
    [InlineData("If-Match", "abc")]
    [InlineData("If-Match", "\"abc\" junk")]
    [InlineData("If-Match", "*, \"abc\"")]
    [InlineData("If-None-Match", "W/abc")]
    public async Task A_malformed_precondition_is_a_400_and_nothing_is_stored(string header, string value)
    {
        var path = Http.Path("customers", NewName("Malformed"));
        await (await Client.PutObject(path, new { location = "Provo" })).Ok<CustomerRecord>();

        var detail = await (await Put(path, new { location = "Logan" }, ifMatch: header == "If-Match" ? value : null, ifNoneMatch: header == "If-None-Match" ? value : null))
            .Problem(HttpStatusCode.BadRequest);

        Assert.Contains($"{header} must be * or a list of entity tags", detail, StringComparison.Ordinal);
        Assert.Equal("Provo", (await Client.GetOk<CustomerRecord>(path)).Location);
    }

    [Fact]
    public async Task A_rep_is_written_conditionally_too_and_a_stale_tag_keeps_its_phone_and_client()
    {
        var company = NewName("Client");
        await (await Client.PutObject(Http.Path("customers", company), new { location = "Salem" })).Ok<CustomerRecord>();
        var path = Http.Path("sales", NewName("Rep"));
        await (await Put(path, new { phone = "555-0001", client = company }, ifNoneMatch: "*")).Ok<SalesRepRecord>();
        var etag = await ETagOf(path);

        await (await Put(path, new { phone = "555-0002", client = company }, ifMatch: etag)).Ok<SalesRepRecord>();
        await (await Put(path, new { phone = "555-0003", client = (string?)null }, ifMatch: etag)).Problem(HttpStatusCode.PreconditionFailed);
        await (await Put(path, new { phone = "555-0004", client = company }, ifNoneMatch: "*")).Problem(HttpStatusCode.PreconditionFailed);

        var rep = await Client.GetOk<SalesRepRecord>(path);
        Assert.Equal(("555-0002", company, "Salem"), (rep.Phone, rep.Client, rep.Territory));
        Assert.Equal(rep.Rep, (await Client.GetOk<CustomerRecord>(Http.Path("customers", company))).Rep);
    }
}
