using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autopilot.Consul.Tests;

/// <summary>
/// The registration's moves between agents where a real quorum cannot be steered into them: two agents in memory that
/// answer the three agent calls as Consul 1.8 with ACLs does, one of which can refuse connections or take a registration
/// and never answer it.
/// </summary>
[Trait("Category", "unit")]
public sealed class RegistrationMoveTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_agent_that_took_a_registration_it_never_answered_is_cleared_once_the_host_settles_on_another()
    {
        var agents = new Agents("http://agent-a.test:8500/", "http://agent-b.test:8500/");
        await using var services = Services(agents);
        var registration = Registration(services);
        await registration.StartedAsync(CancellationToken.None);
        try
        {
            var (first, second) = await Settled(agents);

            // The first stops answering; the other takes the registration and its answer is lost, and by then the first is
            // back: the host stays with the first. The other's copy must not stay behind.
            agents.LoseNextRegisterAnswer(second, thenRestore: first);
            agents.Refuse(first);
            await Eventually.Holds(() => Task.FromResult(agents.Registrations(second)), n => n > 0, Generous, "the other agent took a registration");
            await Eventually.Holds(
                () => Task.FromResult(agents.Holding("svc-1")), h => h == first, Generous, "only the first agent holds the registration");
        }
        finally
        {
            await registration.StoppingAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_registration_an_agent_applies_after_it_answered_the_removal_is_cleared_too()
    {
        // A Consul server in an election holds a registration until it has a leader, and may apply it only after it has
        // answered the host's later removal with "unknown service" (a compose run's edge stayed listed on two servers).
        var agents = new Agents("http://agent-a.test:8500/", "http://agent-b.test:8500/");
        await using var services = Services(agents);
        var registration = Registration(services);
        await registration.StartedAsync(CancellationToken.None);
        try
        {
            var (first, second) = await Settled(agents);

            agents.ApplyNextRegisterAfterItsRemoval(second, thenRestore: first);
            agents.Refuse(first);
            await Eventually.Holds(() => Task.FromResult(agents.AppliedLate(second)), n => n > 0, Generous,
                "the other agent applied the registration after it had answered the removal");
            await Eventually.Holds(() => Task.FromResult(agents.Holding("svc-1")), h => h == first, Generous, "only the first agent holds the registration");
        }
        finally
        {
            await registration.StoppingAsync(CancellationToken.None);
        }
    }

    // It registers with one agent (the client starts at a random one) and has asked the other to let go of any copy.
    private static async Task<(string First, string Second)> Settled(Agents agents)
    {
        var first = await Eventually.Holds(() => Task.FromResult(agents.Holding("svc-1")), h => h.Length > 0 && !h.Contains(','), Generous, "one agent holds the registration");
        var second = agents.Addresses.Single(a => a != first);
        await Eventually.Holds(() => Task.FromResult(agents.Deregistrations(second)), n => n > 0, Generous, "the other agent was asked to let go");
        return (first, second);
    }

    private static ServiceProvider Services(Agents agents) => new ServiceCollection()
        .AddLogging()
        .AddConsulClient(o =>
        {
            o.Address = string.Join(',', agents.Addresses);
            // Only a lost answer waits it out. At 500 ms, a loaded machine timed out an answered call and moved the
            // registration to the other agent before the test had seen where it settled.
            o.RequestTimeout = TimeSpan.FromSeconds(5);
        })
        .AddHttpClient(ConsulClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => agents).Services
        .BuildServiceProvider();

    private static ConsulServiceRegistration Registration(IServiceProvider services) => ActivatorUtilities.CreateInstance<ConsulServiceRegistration>(
        services,
        (Func<IServiceProvider, ServiceRegistrationOptions>)(_ => new ServiceRegistrationOptions
        {
            Name = "svc",
            Id = "svc-1",
            Address = "127.0.0.1",
            Port = 1,
            CheckUrl = "http://127.0.0.1:1/health/ready",
            ResyncInterval = TimeSpan.FromMilliseconds(100),
        }),
        NullLogger<ConsulServiceRegistration>.Instance);

    // Consul's agent endpoints for services, per agent: register (200), read (200 or 404), deregister (200, or 500
    // "Unknown service" as Consul 1.8 with ACLs answers for a service it does not hold).
    private sealed class Agents(params string[] addresses) : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> held = new(addresses.Select(a => KeyValuePair.Create(a, new ConcurrentDictionary<string, bool>())));
        private readonly ConcurrentDictionary<string, int> registrations = new();
        private readonly ConcurrentDictionary<string, int> deregistrations = new();
        private readonly ConcurrentDictionary<string, bool> refused = new();
        private readonly ConcurrentDictionary<string, string> losing = new();
        private readonly ConcurrentDictionary<string, string> applyingLate = new();
        private readonly ConcurrentDictionary<string, string> pending = new();
        private readonly ConcurrentDictionary<string, int> appliedLate = new();

        public IReadOnlyList<string> Addresses => addresses;

        /// <summary>The agents that hold <paramref name="id"/>, separated by commas.</summary>
        public string Holding(string id) => string.Join(',', addresses.Where(a => held[a].ContainsKey(id)));

        public int Registrations(string agent) => registrations.GetValueOrDefault(agent);

        public int Deregistrations(string agent) => deregistrations.GetValueOrDefault(agent);

        /// <summary>How many registrations <paramref name="agent"/> stored after it had answered their removal.</summary>
        public int AppliedLate(string agent) => appliedLate.GetValueOrDefault(agent);

        public void Refuse(string agent) => refused[agent] = true;

        /// <summary>The next registration <paramref name="agent"/> gets is stored, <paramref name="thenRestore"/> answers again, and the answer never comes.</summary>
        public void LoseNextRegisterAnswer(string agent, string thenRestore) => losing[agent] = thenRestore;

        /// <summary>
        /// The next registration <paramref name="agent"/> gets is held, <paramref name="thenRestore"/> answers again, the answer
        /// never comes, and the registration is stored just after the agent has answered its next removal.
        /// </summary>
        public void ApplyNextRegisterAfterItsRemoval(string agent, string thenRestore) => applyingLate[agent] = thenRestore;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var agent = request.RequestUri!.GetLeftPart(UriPartial.Authority) + "/";
            if (refused.ContainsKey(agent))
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
            }

            var path = request.RequestUri.AbsolutePath;
            var services = held[agent];
            if (path == "/v1/agent/service/register")
            {
                var id = System.Text.Json.JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("ID").GetString()!;
                if (applyingLate.TryRemove(agent, out var restoring))
                {
                    pending[agent] = id;
                    registrations.AddOrUpdate(agent, 1, (_, n) => n + 1);
                    refused.TryRemove(restoring, out _);
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                services[id] = true;
                registrations.AddOrUpdate(agent, 1, (_, n) => n + 1);
                if (losing.TryRemove(agent, out var restore))
                {
                    refused.TryRemove(restore, out _);
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                return new HttpResponseMessage(HttpStatusCode.OK);
            }

            if (path.StartsWith("/v1/agent/service/deregister/", StringComparison.Ordinal))
            {
                deregistrations.AddOrUpdate(agent, 1, (_, n) => n + 1);
                var id = Uri.UnescapeDataString(path["/v1/agent/service/deregister/".Length..]);
                var answer = services.TryRemove(id, out _)
                    ? new HttpResponseMessage(HttpStatusCode.OK)
                    : new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent($"Unknown service {{\"{id}\" {{}}}}") };
                if (pending.TryRemove(agent, out var late))
                {
                    services[late] = true;
                    appliedLate.AddOrUpdate(agent, 1, (_, n) => n + 1);
                }

                return answer;
            }

            if (path.StartsWith("/v1/agent/service/", StringComparison.Ordinal))
            {
                var id = Uri.UnescapeDataString(path["/v1/agent/service/".Length..]);
                return services.ContainsKey(id)
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{{\"ID\":\"{id}\",\"Service\":\"svc\"}}", Encoding.UTF8, "application/json") }
                    : new HttpResponseMessage(HttpStatusCode.NotFound);
            }

            return new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent($"not an agent call this fake answers: {path}") };
        }
    }
}
