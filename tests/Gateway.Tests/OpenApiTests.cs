using System.Text.Json;

namespace Autopilot.Gateway.Tests;

/// <summary>The gateway's OpenAPI document (.NET's own, at <c>/openapi/v1.json</c>) lists every route of the API with its answers and its problems.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class OpenApiTests(GatewayFixture fixture)
{
    public static TheoryData<string, string, int[]> Routes() => new()
    {
        { "/customers", "get", [200, 304, 400, 412, 503] },
        { "/customers/{company}", "get", [200, 304, 400, 404, 412, 503] },
        { "/customers/{company}", "put", [200, 400, 412, 413, 415, 422, 503, 504] },
        { "/sales", "get", [200, 304, 400, 412, 503] },
        { "/sales/{rep}", "get", [200, 304, 400, 404, 412, 503] },
        { "/sales/{rep}", "put", [200, 400, 412, 413, 415, 422, 503, 504] },
        { "/cluster", "get", [200, 503] },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_is_listed_with_its_answers_and_its_problems_as_problem_json(string path, string method, int[] statuses)
    {
        using var response = await fixture.Client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var document = JsonDocument.Parse(body);

        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in the document: {body}");
        var operation = item.GetProperty(method);
        Assert.False(string.IsNullOrEmpty(operation.GetProperty("operationId").GetString()));
        var responses = operation.GetProperty("responses");
        Assert.Equal(statuses.Select(s => $"{s}").Order(StringComparer.Ordinal), responses.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        if (path.IndexOf('{') is var open and > 0)
        {
            var key = path[(open + 1)..^1];
            Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == key && p.GetProperty("in").GetString() == "path");
        }

        foreach (var status in statuses.Where(s => s >= 400))
        {
            Assert.True(responses.GetProperty($"{status}").GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path} {status} is not problem+json");
        }
    }
}
