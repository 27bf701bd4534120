using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Autopilot.Gateway.Tests;

internal static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Path(string collection, string name) => $"/{collection}/{Uri.EscapeDataString(name)}";

    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string path, string json, string mediaType = "application/json") =>
        client.PutAsync(path, new StringContent(json, Encoding.UTF8, mediaType));

    public static async Task<T> Ok<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Asserts an RFC 7807 answer with the status, a detail for a person, and no stack trace; returns the detail.</summary>
    public static async Task<string> Problem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }

    public static Task<HttpResponseMessage> GetRaw(this HttpClient client, string path) => client.GetAsync(path);

    public static async Task<T> GetOk<T>(this HttpClient client, string path) => await (await client.GetAsync(path)).Ok<T>();

    public static Task<HttpResponseMessage> PutObject(this HttpClient client, string path, object body) => client.PutAsJsonAsync(path, body, Json);

    /// <summary>Every row of a list, following its <c>Link: rel="next"</c> headers from the first page.</summary>
    public static async Task<List<T>> All<T>(this HttpClient client, string collection)
    {
        var rows = new List<T>();
        string? next = $"/{collection}";
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            rows.AddRange(await response.Ok<T[]>());
            next = NextLink(response);
        }

        return rows;
    }

    /// <summary>The target of the <c>Link: rel="next"</c> header, or null.</summary>
    public static string? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.Select(link => System.Text.RegularExpressions.Regex.Match(link, "^<([^>]+)>; rel=\"next\"$")).Where(m => m.Success).Select(m => m.Groups[1].Value).SingleOrDefault()
            : null;
}
