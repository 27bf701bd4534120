using System.Text.Json;
using System.Text.Json.Serialization;
using Autopilot.Peer;
using StackExchange.Redis;

// The peer: GET /customers, /sales (?limit=&after=), one record each, and PUT of each, straight from Redis. Usage:
//   Redis=HOST:PORT[,password=...] dotnet Autopilot.Peer.dll --urls http://127.0.0.1:PORT [--Name peer-1]
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PeerJson.Default));
var redisAddress = builder.Configuration["Redis"];
if (string.IsNullOrWhiteSpace(redisAddress))
{
    Console.Error.WriteLine("peer: the Redis setting (a StackExchange.Redis connection string) is required");
    return 2;
}

var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
builder.Services.AddSingleton(new PeerStore(redis.GetDatabase(), builder.Configuration["Name"] ?? "peer"));
var app = builder.Build();

app.MapGet("/customers", async (PeerStore store, int? limit, string? after) =>
    limit is < 1 or > 1000 ? Results.Problem("limit must be between 1 and 1000", statusCode: 400) : Results.Ok(await store.Customers(limit ?? 100, after)));
app.MapGet("/sales", async (PeerStore store, int? limit, string? after) =>
    limit is < 1 or > 1000 ? Results.Problem("limit must be between 1 and 1000", statusCode: 400) : Results.Ok(await store.Reps(limit ?? 100, after)));
app.MapGet("/customers/{company}", async (PeerStore store, string company) =>
    (await store.Customers(1, null, company)) is [var row] ? Results.Ok(row) : Results.NotFound());
app.MapGet("/sales/{rep}", async (PeerStore store, string rep) =>
    (await store.Reps(1, null, rep)) is [var row] ? Results.Ok(row) : Results.NotFound());
app.MapPut("/customers/{company}", async (PeerStore store, string company, CustomerBody body) =>
    string.IsNullOrWhiteSpace(body.Location) ? Results.Problem("location is required", statusCode: 400) : Results.Ok(await store.PutCustomer(company, body.Location)));
app.MapPut("/sales/{rep}", async (PeerStore store, string rep, RepBody body) =>
    string.IsNullOrWhiteSpace(body.Phone) ? Results.Problem("phone is required", statusCode: 400) : Results.Ok(await store.PutRep(rep, body.Phone, body.Client)));
app.MapGet("/health/live", () => "ok");

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"peer: ready on {string.Join(", ", app.Urls)}"));
await app.RunAsync();
return 0;

namespace Autopilot.Peer
{
    public sealed record CustomerBody(string? Location);

    public sealed record RepBody(string? Phone, string? Client);

    /// <summary>A row of /customers, in the gateway's shape.</summary>
    public sealed record CustomerRow(string Company, string Location, string? Rep, string Source, string? RepSource);

    /// <summary>A row of /sales, in the gateway's shape.</summary>
    public sealed record RepRow(string Rep, string Phone, string? Client, string? Territory, string Source, string? TerritorySource);

    /// <summary>What is stored: one JSON string per customer and per rep, and a sorted set of names for each table.</summary>
    public sealed record StoredCustomer(string Company, string Location);

    public sealed record StoredRep(string Rep, string Phone, string? Client);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(CustomerBody))]
    [JsonSerializable(typeof(RepBody))]
    [JsonSerializable(typeof(CustomerRow))]
    [JsonSerializable(typeof(RepRow))]
    [JsonSerializable(typeof(List<CustomerRow>))]
    [JsonSerializable(typeof(List<RepRow>))]
    [JsonSerializable(typeof(StoredCustomer))]
    [JsonSerializable(typeof(StoredRep))]
    [JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
    internal sealed partial class PeerJson : JsonSerializerContext;
}
