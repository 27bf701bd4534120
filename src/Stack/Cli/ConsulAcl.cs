using System.Diagnostics;
using Autopilot.Consul.Client;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Stack.Cli;

/// <summary>
/// The local stack's Consul runs with ACLs, default deny. Once it has a leader, this makes (or finds) one least-privilege
/// policy per role, from deploy/consul/policies/&lt;role&gt;.hcl (the compose stack's bootstrap reads the same files), and one
/// token per role whose secret is the role's token file in the run folder; and it gives the agent its own token. Idempotent:
/// every <c>up</c> and <c>restart consul</c> runs it, and it changes nothing that is already in place.
/// </summary>
internal static class ConsulAcl
{
    public static async Task Bootstrap(Repository repository, StackTopology topology)
    {
        await using var services = new ServiceCollection().AddConsulClient(o =>
        {
            o.Address = topology.Ports.ConsulUrl.ToString();
            o.TokenFile = topology.ConsulMasterToken;
        }).BuildServiceProvider();
        var consul = services.GetRequiredService<ConsulClient>();
        await UntilAclsServe(consul);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in await consul.AclTokens())
        {
            if ((await consul.AclTokenRead(token.AccessorID!)).SecretID is { } known)
            {
                secrets.Add(known);
            }
        }

        foreach (var role in StackTopology.ConsulRoles)
        {
            var rules = await File.ReadAllTextAsync(repository.At("deploy", "consul", "policies", $"{role}.hcl"));
            var policy = await consul.AclPolicyByName(role);
            if (policy is null || policy.Rules != rules)
            {
                await consul.AclPolicyWrite(new AclPolicy { ID = policy?.ID, Name = role, Description = $"the stack's {role}", Rules = rules });
            }

            var secret = (await File.ReadAllTextAsync(Secrets.Ensure(topology.Run, StackTopology.ConsulTokenSecret(role)))).Trim();
            if (!secrets.Contains(secret))
            {
                await consul.AclTokenCreate(new AclToken { SecretID = secret, Description = $"the stack's {role}", Policies = [new AclPolicyLink { Name = role }] });
            }

            if (role == StackTopology.AgentRole)
            {
                await consul.AgentToken("agent", secret);
            }
        }
    }

    // Right after its election the leader is still setting up the ACL system (the master token among it) for a moment.
    private static async Task UntilAclsServe(ConsulClient consul)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await consul.AclTokenSelf();
                return;
            }
            catch (Exception e) when (e is ConsulAccessDeniedException or ConsulException or HttpRequestException or TimeoutException && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
            catch (Exception e) when (e is ConsulAccessDeniedException or ConsulException or HttpRequestException or TimeoutException)
            {
                throw new StackException($"Consul's ACL system did not accept the stack's management token within 60 s: {e.Message}");
            }
        }
    }
}
