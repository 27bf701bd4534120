using System.Text;
using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Tests;

[Collection(ConsulCollection.Name)]
[Trait("Category", "contract")]
public sealed class ConsulClientTests(ConsulFixture fixture)
{
    private ConsulClient Client => fixture.Client;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Kv_put_get_and_delete_round_trip_with_cas()
    {
        var key = $"tests/{Guid.NewGuid():N}/a";

        Assert.True(await Client.KvPut(key, Bytes("one"), cas: 0));
        Assert.False(await Client.KvPut(key, Bytes("two"), cas: 0));
        var first = (await Client.KvGet(key))!;
        Assert.Equal("one", Encoding.UTF8.GetString(first.Value!));
        Assert.False(await Client.KvPut(key, Bytes("stale"), cas: first.ModifyIndex + 1000));
        Assert.True(await Client.KvPut(key, Bytes("three"), cas: first.ModifyIndex));
        Assert.Equal("three", Encoding.UTF8.GetString((await Client.KvGet(key))!.Value!));

        Assert.True(await Client.KvDelete(key));
        Assert.Null(await Client.KvGet(key));
    }

    [Fact]
    public async Task A_txn_with_one_failing_cas_applies_nothing()
    {
        var folder = $"tests/{Guid.NewGuid():N}/";
        Assert.True(await Client.KvPut(folder + "taken", Bytes("x")));

        var response = await Client.Txn([TxnOp.Cas(folder + "new", Bytes("y"), 0), TxnOp.Cas(folder + "taken", Bytes("z"), 0)]);

        Assert.False(response.Committed);
        Assert.Equal(1, Assert.Single(response.Errors!).OpIndex);
        Assert.Null(await Client.KvGet(folder + "new"));
        Assert.Equal("x", Encoding.UTF8.GetString((await Client.KvGet(folder + "taken"))!.Value!));
    }

    [Fact]
    public async Task A_blocking_health_query_waits_and_wakes_when_an_instance_registers()
    {
        var service = $"blocking-{Guid.NewGuid():N}";
        var first = await Client.HealthService(service, passingOnly: false);
        Assert.Empty(first.Value);
        Assert.True(first.Index > 0);

        var blocked = Client.HealthService(service, passingOnly: false, first.Index, TimeSpan.FromMinutes(2));
        await Task.Delay(500);
        Assert.False(blocked.IsCompleted, "the query returned without waiting for a change");

        await Client.ServiceRegister(new AgentServiceRegistration { ID = service + "-1", Name = service, Address = "127.0.0.1", Port = 1 });

        // Well under the two minutes the query may wait: only the change can have woken it.
        var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(service + "-1", Assert.Single(woken.Value).Service.ID);
        Assert.True(woken.Index > first.Index);
        await Client.ServiceDeregister(service + "-1");
    }

    [Fact]
    public async Task With_ACLs_on_removing_a_service_the_agent_does_not_hold_is_false_not_an_error()
    {
        // Consul 1.8 answers 500 "Unknown service" here (with ACLs off it answers 200); a host moving its registration
        // between agents took that 500 for "still there" and asked again every few seconds for ever.
        const string token = "3b7e6f1a-0c2d-4e8f-9a1b-autopilot002";
        await using var agent = await StartWithAcls(token);
        var client = fixture.NewClient(agent.Address, token);
        var service = $"held-{Guid.NewGuid():N}";
        await client.ServiceRegister(new AgentServiceRegistration { ID = service, Name = service, Address = "127.0.0.1", Port = 1 });

        Assert.True(await client.ServiceDeregister(service));
        Assert.False(await client.ServiceDeregister(service));
        Assert.False(await client.ServiceDeregister($"never-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task The_leader_is_known()
    {
        Assert.StartsWith("127.0.0.1:", await Client.StatusLeader(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_a_ConsulException_with_status_and_message()
    {
        var e = await Assert.ThrowsAsync<ConsulException>(() => Client.ServiceRegister(new AgentServiceRegistration { ID = "", Name = "" }));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("register", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_does_not_answer_is_a_clear_error()
    {
        var client = fixture.NewClient(new Uri($"http://127.0.0.1:{TestPorts.Next()}"));

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.StatusLeader());
        Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8500")]
    [InlineData("ftp://127.0.0.1:8500")]
    [InlineData("not a url")]
    public void A_bad_address_is_refused_naming_the_key(string address)
    {
        var e = Assert.Throws<OptionsValidationException>(() => new ConsulClientOptions { Address = address }.Validate());
        Assert.Contains($"Consul:Address '{address}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_ACLs_on_the_configured_token_is_sent_and_without_it_Consul_refuses()
    {
        const string token = "5f0c2b8e-1d9a-4c55-9a57-autopilot000";
        await using var agent = await StartWithAcls(token);
        var key = $"tests/{Guid.NewGuid():N}";

        Assert.True(await fixture.NewClient(agent.Address, token).KvPut(key, Bytes("secret")));

        var refused = await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => fixture.NewClient(agent.Address).KvPut(key, Bytes("x")));
        Assert.Contains("Consul refused PUT /v1/kv/tests/", refused.Message);
        Assert.Contains("Permission denied", refused.Message);
        Assert.False(refused.TokenUnknown);
        Assert.Contains("refused GET", (await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => fixture.NewClient(agent.Address).KvGet(key))).Message);
        var unknown = await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => fixture.NewClient(agent.Address, Guid.NewGuid().ToString()).KvGet(key));
        Assert.True(unknown.TokenUnknown);
        Assert.Equal("secret", Encoding.UTF8.GetString((await fixture.NewClient(agent.Address, token).KvGet(key))!.Value!));
    }

    [Fact]
    public async Task A_token_Consul_accepted_and_then_does_not_know_is_an_outage_not_bad_configuration()
    {
        const string master = "7a1d3c9e-2b4f-4e6a-8c0d-autopilot001";
        await using var agent = await StartWithAcls(master);
        var management = fixture.NewClient(agent.Address, master);
        var folder = $"tests/{Guid.NewGuid():N}";
        var policy = await management.AclPolicyWrite(new AclPolicy { Name = $"kv-{Guid.NewGuid():N}", Rules = $"key_prefix \"{folder}/\" {{ policy = \"write\" }}" });
        var secret = Guid.NewGuid().ToString();
        var made = await management.AclTokenCreate(new AclToken { SecretID = secret, Policies = [new AclPolicyLink { ID = policy.ID }] });

        // Before Consul has accepted it, an unknown token is bad configuration (the host stops with exit code 2).
        var stranger = fixture.NewClient(agent.Address, Guid.NewGuid().ToString());
        Assert.True((await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => stranger.KvGet($"{folder}/a"))).TokenUnknown);

        var client = fixture.NewClient(agent.Address, secret);
        Assert.True(await client.KvPut($"{folder}/a", Bytes("one")));

        // Consul forgets it (as a restarted server does until it has a leader): the same client now meets an outage.
        using (var raw = new HttpClient { BaseAddress = agent.Address })
        {
            raw.DefaultRequestHeaders.Add("X-Consul-Token", master);
            (await raw.DeleteAsync($"/v1/acl/token/{made.AccessorID}")).EnsureSuccessStatusCode();
        }

        var outage = await Assert.ThrowsAsync<ConsulException>(() => client.KvGet($"{folder}/a"));
        Assert.True(outage.Outage, outage.Message);
        Assert.Equal(403, outage.StatusCode);
        Assert.Contains("which it had accepted before", outage.Message);

        // It knows the token again: the client goes on. A forbidden call is still a refusal, not an outage.
        await management.AclTokenCreate(new AclToken { SecretID = secret, Policies = [new AclPolicyLink { ID = policy.ID }] });
        Assert.Equal("one", Encoding.UTF8.GetString((await client.KvGet($"{folder}/a"))!.Value!));
        Assert.False((await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => client.KvPut("elsewhere/b", Bytes("x")))).TokenUnknown);
    }

    /// <summary>An agent of its own with ACLs on, denying by default, whose management token is <paramref name="master"/>.</summary>
    private static Task<ConsulAgent> StartWithAcls(string master) =>
        ConsulAgent.StartAsync($"acl {{ enabled = true\n default_policy = \"deny\"\n tokens {{ master = \"{master}\" }} }}\n");
}
