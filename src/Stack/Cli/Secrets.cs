using System.Buffers.Text;
using System.Security.Cryptography;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Cli;

/// <summary>
/// The stack's secrets, each a file: the local stack's in its run folder's <c>secrets/</c>, readable by this user alone;
/// the containers' in <c>deploy/.secrets/</c> (not committed). Made when absent, kept across <c>down</c> and <c>up</c>
/// (Redis's data and Consul's tokens outlive a restart), never printed. Delete the folder (with the stack down) for new ones.
/// </summary>
internal static class Secrets
{
    /// <summary>The local stack's secret <paramref name="name"/>: its file, made with a random secret if it is not there.</summary>
    public static string Ensure(RunFolder run, string name) => Ensure(run.Secrets, name, shared: false);

    /// <summary>The local stack's certificates (<see cref="ClusterCa"/>): the CA, and one for the silos and one for the gateways.</summary>
    public static void EnsureCertificates(RunFolder run)
    {
        Directory.CreateDirectory(run.Secrets);
        Restrict(run.Secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ClusterCa.Ensure(run.Secrets, StackTopology.TlsRoles, WritePrivate, (path, bytes) => WritePrivate(path, bytes));
    }

    /// <summary>
    /// The secrets the compose file and the Swarm stack mount. The folder is this user's alone; the files are readable by
    /// all, since a file secret is mounted into a container as it is on the host, and the containers run as their own
    /// non-root users.
    /// </summary>
    public static void EnsureForContainers(Repository repository)
    {
        var folder = repository.At("deploy", ".secrets");
        foreach (var name in StackTopology.ConsulRoles.Append("master").Select(StackTopology.ConsulTokenSecret).Append(StackTopology.RedisPasswordSecret))
        {
            Ensure(folder, name, shared: true);
        }

        // Consul's ACL configuration (default deny, the master token, and the agent token each of the three servers uses
        // for its own node once consul-acl has made it), mounted into every Consul server as a secret.
        var master = File.ReadAllText(Path.Combine(folder, StackTopology.ConsulTokenSecret("master"))).Trim();
        var agent = File.ReadAllText(Path.Combine(folder, StackTopology.ConsulTokenSecret(StackTopology.AgentRole))).Trim();
        WriteShared(Path.Combine(folder, "consul-acl.hcl"), File.WriteAllText, ConsulAclConfig(master, agent));

        ClusterCa.Ensure(folder, StackTopology.TlsRoles, (path, text) => WriteShared(path, File.WriteAllText, text), (path, bytes) => WriteShared(path, File.WriteAllBytes, bytes));
    }

    /// <summary>
    /// The viewer's configuration (Aspire dashboard keys): its page behind a browser token, OTLP behind an API key, and its
    /// telemetry API on, behind another.
    /// </summary>
    public static string ViewerConfig(string browserToken, string otlpKey, string apiKey) => $$"""
        {
          "Dashboard": {
            "Frontend": { "AuthMode": "BrowserToken", "BrowserToken": "{{browserToken}}" },
            "Otlp": { "AuthMode": "ApiKey", "PrimaryApiKey": "{{otlpKey}}" },
            "Api": { "Enabled": true, "AuthMode": "ApiKey", "PrimaryApiKey": "{{apiKey}}" }
          }
        }
        """;

    /// <summary>Writes <paramref name="text"/> to a file only this user may read.</summary>
    public static void WritePrivate(string path, string text) => WritePrivate(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to a file only this user may read.</summary>
    public static void WritePrivate(string path, byte[] bytes)
    {
        using (File.Create(path, 1, FileOptions.None))
        {
        }

        Restrict(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Consul's ACL configuration: on, default deny, tokens persisted, the master token <paramref name="master"/>. With
    /// <paramref name="agent"/> (the containers' servers), the agent's own token (the local stack sets it through the API),
    /// and the master token as the agent's local master too: a server answers its health check (<c>consul members</c>)
    /// before the three have elected the leader that makes the master token known, and Swarm lists a task in DNS, where the
    /// others look for it to form that quorum, only once it is healthy.
    /// </summary>
    public static string ConsulAclConfig(string master, string? agent = null) =>
        $"acl {{\n  enabled = true\n  default_policy = \"deny\"\n  down_policy = \"extend-cache\"\n  enable_token_persistence = true\n  tokens {{\n    master = \"{master}\"\n" +
        (agent is null ? "" : $"    agent = \"{agent}\"\n    agent_master = \"{master}\"\n") + "  }\n}\n";

    // A container's secret: readable by the container's own user (the folder stays this user's alone).
    private static void WriteShared<T>(string path, Action<string, T> write, T content)
    {
        write(path, content);
        Restrict(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static string Ensure(string folder, string name, bool shared)
    {
        Directory.CreateDirectory(folder);
        Restrict(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            WritePrivate(path, NewSecret(name));
        }

        if (shared)
        {
            Restrict(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return path;
    }

    // Consul takes only UUIDs as a token's secret: 122 random bits from the system's cryptographic generator (Guid.NewGuid's
    // source on Linux and Windows). Every other secret is 32 random bytes.
    private static string NewSecret(string name) =>
        name.StartsWith("consul-", StringComparison.Ordinal)
            ? Guid.NewGuid().ToString()
            : Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static void Restrict(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
