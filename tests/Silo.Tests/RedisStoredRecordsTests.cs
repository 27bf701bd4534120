using System.Text.Json;
using Autopilot.Contracts;
using Autopilot.Grains;
using Autopilot.Testing;
using Orleans.Storage;

namespace Autopilot.Silo.Tests;

/// <summary>
/// A page read from a real Redis in one script: the index's names, the fields of each one's record and of the record its
/// link names, read out of the JSON the storage's serializer wrote under whatever names it gives them; a serializer that
/// writes no JSON reads no table there.
/// </summary>
[Trait("Category", "unit")]
public sealed class RedisStoredRecordsTests
{
    private static readonly StoredTable Customers = new(
        Catalogs.Customers,
        new(GrainType.Create("customer"), "customer", typeof(CustomerState), [nameof(CustomerState.Location), nameof(CustomerState.Rep)]),
        nameof(CustomerState.Rep),
        new(GrainType.Create("salesrep"), "salesrep", typeof(SalesRepState), [nameof(SalesRepState.Phone), nameof(SalesRepState.Client)]));

    [Fact]
    public async Task A_page_reads_the_fields_under_the_names_the_serializer_writes_and_follows_each_link_to_its_record()
    {
        await using var redis = await RedisServer.StartAsync();
        var (cluster, storage) = RedisStorage.Settings("records-test", redis.ConnectionString);
        await using var connection = RedisStorage.Connection(storage);
        // camelCase: the JSON names are not the properties' names, and the script must read the ones written.
        var serializer = new RedisStorage.JsonStorage(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var prefix = RedisStoredVersions.Prefix(cluster.Value.ServiceId);
        await using var store = await RedisStorage.Start(storage, cluster, connection, serializer, (stateName, grainId) => RedisStoredVersions.Key(prefix, stateName, grainId));
        var index = new RedisRecordIndex(connection, cluster);

        async Task Store<T>(string kind, string stateName, string name, T state)
            where T : class
        {
            await index.Add(kind, name);
            await store.WriteStateAsync(stateName, GrainId.Create(stateName, name), new GrainState<T>(state));
        }

        await Store(Catalogs.Customers, "customer", "Acme Café", new CustomerState { Location = "Reno", Rep = "Ann" });
        await Store(Catalogs.Customers, "customer", "Bolt", new CustomerState { Location = "Elko", Rep = "Bob" });
        await Store(Catalogs.Customers, "customer", "Core", new CustomerState { Location = "Ely", Rep = "Nobody" }); // a rep never stored
        await Store(Catalogs.Customers, "customer", "Dune", new CustomerState { Location = "Fallon" });
        await index.Add(Catalogs.Customers, "Echo"); // listed, never stored
        await Store(Catalogs.Sales, "salesrep", "Ann", new SalesRepState { Phone = "555-0101", Client = "Acme Café" });
        await Store(Catalogs.Sales, "salesrep", "Bob", new SalesRepState { Phone = "555-0102" });

        var records = new RedisStoredRecords(connection, cluster, serializer);
        Assert.True(records.Reads(Customers));
        var page = await records.Page(Customers, after: null, count: 10);

        Assert.Equal(["Acme Café", "Bolt", "Core", "Dune", "Echo"], page.Select(row => row.Name));
        Assert.Equal(["Reno", "Ann"], page[0].Fields!);
        Assert.Equal(["555-0101", "Acme Café"], page[0].Linked!);
        Assert.Equal(["Elko", "Bob"], page[1].Fields!);
        Assert.Equal(["555-0102", null], page[1].Linked!);
        Assert.Equal(["Ely", "Nobody"], page[2].Fields!);
        Assert.Null(page[2].Linked);
        Assert.Equal(["Fallon", null], page[3].Fields!);
        Assert.Null(page[3].Linked);
        Assert.Null(page[4].Fields);
        Assert.Null(page[4].Linked);

        var next = await records.Page(Customers, after: "Bolt", count: 1);
        Assert.Equal(["Core"], next.Select(row => row.Name));
    }

    [Fact]
    public void A_serializer_that_writes_no_JSON_reads_no_table_and_a_page_then_says_why()
    {
        var (cluster, storage) = RedisStorage.Settings("records-test", "127.0.0.1:1"); // never connected to
        var connection = RedisStorage.Connection(storage);
        var records = new RedisStoredRecords(connection, cluster, new NotJson());

        Assert.False(records.Reads(Customers));
        var error = Assert.Throws<NotSupportedException>(() => records.Page(Customers, after: null, count: 10).GetAwaiter().GetResult());
        Assert.Contains("asks each row's grain", error.Message, StringComparison.Ordinal);
    }

    // Writes each state as its properties' values, one per line: no JSON at all.
    private sealed class NotJson : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromString(string.Join('\n', input!.GetType().GetProperties().Select(p => p.GetValue(input))));

        public T? Deserialize<T>(BinaryData input) => throw new NotSupportedException();
    }
}
