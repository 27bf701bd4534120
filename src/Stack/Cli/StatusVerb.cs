using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Stack.Cli;

/// <summary><c>status</c>: each process (ready, starting and what it waits for, restarting, stopped), Consul's passing services, the cluster.</summary>
internal sealed class StatusVerb(LocalStack stack)
{
    public async Task<int> Run()
    {
        if (!Directory.Exists(stack.Run.Pids) || !Directory.EnumerateFiles(stack.Run.Pids, "*.cmd").Any())
        {
            Say.Line("nothing runs");
            return 0;
        }

        if (stack.State is { Embedded: false } state)
        {
            var topology = stack.Topology(state.Ports, "");
            foreach (var part in new[] { topology.Consul, topology.Redis, topology.Prometheus, topology.Viewer }
                .Concat(stack.Processes.Names(PartKind.Silo).Concat(stack.Processes.Names(PartKind.Gateway)).Select(n => topology.Find(n)!))
                .Append(topology.Edge))
            {
                Say.Result(await Describe(part.Name, part.Ready));
            }

            await using var services = LocalStack.ConsulClientFor(topology);
            var consul = services.GetRequiredService<ConsulClient>();
            foreach (var service in new[] { HostRole.Silo, HostRole.Gateway, HostRole.Edge }.Select(r => r.Name))
            {
                try
                {
                    var passing = await consul.HealthService(service, passingOnly: true);
                    Say.Result($"consul {service,-8} passing: {string.Join(' ', passing.Value.Select(e => e.Service.ID).Order(StringComparer.Ordinal))}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ConsulException or ConsulAccessDeniedException)
                {
                    Say.Result($"consul {service,-8} (Consul does not answer)");
                }
            }
        }
        else
        {
            foreach (var name in stack.Processes.Names(PartKind.Silo).Concat(stack.Processes.Names(PartKind.Gateway)))
            {
                Say.Result(await Describe(name, null));
            }
        }

        if (File.Exists(stack.Run.UrlFile))
        {
            var url = (await File.ReadAllTextAsync(stack.Run.UrlFile)).Trim();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string cluster;
            try
            {
                cluster = await http.GetStringAsync($"{url}/cluster");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                cluster = "(no answer)";
            }

            Say.Result($"cluster      {cluster}");
            Say.Result($"url          {url}");
            if (stack.State is { Embedded: false } up)
            {
                Say.Result($"prometheus   {up.Ports.PrometheusUrl} (targets: {up.Ports.PrometheusUrl}targets)");
                Say.Result($"viewer       {stack.ViewerLogin(stack.Topology(up.Ports, ""))} (traces and logs)");
            }
        }

        return 0;
    }

    private async Task<string> Describe(string name, Readiness? ready)
    {
        var processes = stack.Processes;
        string state;
        if (processes.Alive(name))
        {
            if (ready is null || await stack.Probe.Ready(ready))
            {
                state = "ready";
            }
            else
            {
                // A host that waits for a dependency says so in its last line ("Waiting for Consul ...").
                var last = processes.Tail(name, 1);
                state = last.Contains("Waiting for", StringComparison.Ordinal) || last.Contains("Cannot reach", StringComparison.Ordinal)
                    ? $"not ready: {last[Math.Min(13, last.Length)..Math.Min(170, last.Length)]}"
                    : "not ready";
            }
        }
        else if (processes.Supervised(name))
        {
            var note = File.Exists(processes.Run.LogFile(name))
                ? File.ReadLines(processes.Run.LogFile(name)).LastOrDefault(l => l.Contains(Supervisor.SupervisorTag, StringComparison.Ordinal))
                : null;
            state = $"restarting ({note?[(note.IndexOf(Supervisor.SupervisorTag, StringComparison.Ordinal) + Supervisor.SupervisorTag.Length + 2)..] ?? ""})";
        }
        else
        {
            state = processes.ExitCode(name) is { } code ? $"stopped (exit code {code})" : "stopped";
        }

        return $"{name,-12} {processes.Pid(name)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",-8} {state}";
    }
}
