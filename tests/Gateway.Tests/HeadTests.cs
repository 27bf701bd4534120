using System.Net;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Every <c>GET</c> route also answers <c>HEAD</c> (RFC 9110 §9.1): the same status and headers, the record's ETag and the
/// body's length included, with no body; a client can learn a record's ETag before a conditional <c>PUT</c> without its body.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class HeadTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData("/customers/ACME%20Corporation")]
    [InlineData("/customers?limit=3")]
    [InlineData("/sales/Alice")]
    [InlineData("/sales")]
    public async Task Head_answers_the_headers_of_get_with_no_body(string path)
    {
        using var get = await Client.GetAsync(path);
        var body = await get.Content.ReadAsByteArrayAsync();
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/cluster")]
    public async Task The_page_and_the_cluster_answer_head(string path)
    {
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Head_of_an_unknown_record_is_a_404_and_of_a_bad_name_a_400()
    {
        using var unknown = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Http.Path("customers", $"Nobody {Guid.NewGuid():N}")));
        using var bad = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/customers/%3Cscript%3E"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
