using StackExchange.Redis;

namespace Autopilot.Peer;

/// <summary>
/// The peer's Redis layout, under <c>peer:</c> beside the stack's own keys: <c>peer:customer:{company}</c> and
/// <c>peer:rep:{rep}</c> hold JSON, <c>peer:client-rep:{company}</c> the rep that has the customer, and
/// <c>peer:customers</c> and <c>peer:reps</c> the names in order. A page of customers is two round trips (the names,
/// then the rows and their reps in one MGET); a page of reps is three (the names, the reps, their clients' locations).
/// </summary>
public sealed class PeerStore(IDatabase redis, string source)
{
    private static readonly RedisKey CustomerIndex = "peer:customers";
    private static readonly RedisKey RepIndex = "peer:reps";

    private static RedisKey Customer(string company) => $"peer:customer:{company}";

    private static RedisKey Rep(string rep) => $"peer:rep:{rep}";

    private static RedisKey ClientRep(string company) => $"peer:client-rep:{company}";

    public async Task<List<CustomerRow>> Customers(int limit, string? after, string? only = null)
    {
        var names = only is null ? await Names(CustomerIndex, limit, after) : [only];
        var keys = names.SelectMany(n => new[] { Customer(n), ClientRep(n) }).ToArray();
        var values = await redis.StringGetAsync(keys);
        var rows = new List<CustomerRow>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            if (Read(values[2 * i], PeerJson.Default.StoredCustomer) is { } customer)
            {
                var rep = values[2 * i + 1];
                rows.Add(new CustomerRow(customer.Company, customer.Location, rep.IsNull ? null : rep.ToString(), source, rep.IsNull ? null : source));
            }
        }

        return rows;
    }

    public async Task<List<RepRow>> Reps(int limit, string? after, string? only = null)
    {
        var names = only is null ? await Names(RepIndex, limit, after) : [only];
        var reps = (await redis.StringGetAsync([.. names.Select(Rep)])).Select(v => Read(v, PeerJson.Default.StoredRep)).OfType<StoredRep>().ToList();
        var clients = reps.Where(r => r.Client is not null).Select(r => r.Client!).Distinct().ToArray();
        var locations = new Dictionary<string, string>();
        if (clients.Length > 0)
        {
            var stored = await redis.StringGetAsync([.. clients.Select(Customer)]);
            foreach (var customer in stored.Select(v => Read(v, PeerJson.Default.StoredCustomer)).OfType<StoredCustomer>())
            {
                locations[customer.Company] = customer.Location;
            }
        }

        return [.. reps.Select(r =>
        {
            var territory = r.Client is not null && locations.TryGetValue(r.Client, out var location) ? location : null;
            return new RepRow(r.Rep, r.Phone, r.Client, territory, source, territory is null ? null : source);
        })];
    }

    public async Task<CustomerRow> PutCustomer(string company, string location)
    {
        var transaction = redis.CreateTransaction();
        _ = transaction.StringSetAsync(Customer(company), Write(new StoredCustomer(company, location), PeerJson.Default.StoredCustomer));
        _ = transaction.SortedSetAddAsync(CustomerIndex, company, 0);
        await transaction.ExecuteAsync();
        return (await Customers(1, null, company))[0];
    }

    /// <summary>Stores a rep; a client it takes leaves the rep that had it, as in the workshop (one rep per customer).</summary>
    public async Task<RepRow> PutRep(string rep, string phone, string? client)
    {
        var before = Read(await redis.StringGetAsync(Rep(rep)), PeerJson.Default.StoredRep);
        var transaction = redis.CreateTransaction();
        if (before?.Client is { } old && old != client)
        {
            _ = transaction.KeyDeleteAsync(ClientRep(old));
        }

        if (client is not null)
        {
            _ = transaction.StringSetAsync(ClientRep(client), rep);
        }

        _ = transaction.StringSetAsync(Rep(rep), Write(new StoredRep(rep, phone, client), PeerJson.Default.StoredRep));
        _ = transaction.SortedSetAddAsync(RepIndex, rep, 0);
        await transaction.ExecuteAsync();
        return (await Reps(1, null, rep))[0];
    }

    private async Task<string[]> Names(RedisKey index, int limit, string? after)
    {
        var names = await redis.SortedSetRangeByValueAsync(index, after ?? default(RedisValue), default, after is null ? Exclude.None : Exclude.Start, Order.Ascending, 0, limit);
        return [.. names.Select(n => n.ToString())];
    }

    private static T? Read<T>(RedisValue value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class => value.IsNull ? null : System.Text.Json.JsonSerializer.Deserialize((string)value!, type);

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        System.Text.Json.JsonSerializer.Serialize(value, type);
}
