namespace Autopilot.Consul.Registration;

/// <summary>What a process registers in the Consul catalog, and how its registration is kept alive.</summary>
public sealed class ServiceRegistrationOptions
{
    /// <summary>The service name: <c>silo</c>, <c>gateway</c>, <c>edge</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Unique per process; <c>{Name}-{host}-{Port}</c> when unset.</summary>
    public string? Id { get; set; }

    /// <summary>The address others reach the service at.</summary>
    public string Address { get; set; } = "";

    public int Port { get; set; }

    /// <summary>The URL the agent polls; the service is passing while it answers 2xx.</summary>
    public string CheckUrl { get; set; } = "";

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the agent waits for the check's answer: ready checks answer from local state within milliseconds, and this
    /// leaves room for a machine whose cores are saturated (bench/README.md, "Health checks under saturation").
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = Autopilot.Hosting.Deadlines.ConsulCheck;

    /// <summary>
    /// Failed checks in a row before the service turns critical: a stall (a long GC, a frozen peer, an agent starved of CPU)
    /// does not unlist it, while a process that really hangs leaves the upstream after about 3 × (2 s + 2 s).
    /// </summary>
    public int FailuresBeforeCritical { get; set; } = 3;

    /// <summary>A process that crashed is removed by Consul after its check stayed critical this long (Consul's minimum is one minute).</summary>
    public TimeSpan DeregisterCriticalServiceAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the process checks that the agent still holds its registration (anti-entropy).</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to keep serving after deregistering, so that watchers (the edge) stop sending work first.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    public List<string> Tags { get; set; } = [];

    public Dictionary<string, string> Meta { get; set; } = [];

    public string EffectiveId => Id is { Length: > 0 } id ? id : Autopilot.Hosting.InstanceName.For(Name, Port);

    /// <summary>
    /// A host of the stack reachable at <paramref name="url"/>: registered at its host and port, checked on
    /// <c>/health/ready</c>, its <c>/metrics</c> in the metadata (where Prometheus finds it), plus <paramref name="meta"/>.
    /// </summary>
    public static ServiceRegistrationOptions ForHost(string name, Uri url, params (string Key, string Value)[] meta)
    {
        var options = new ServiceRegistrationOptions
        {
            Name = name,
            Address = url.Host,
            Port = url.Port,
            CheckUrl = new Uri(url, "health/ready").ToString(),
            Meta = { ["metrics"] = new Uri(url, "metrics").ToString() },
        };
        foreach (var (key, value) in meta)
        {
            options.Meta[key] = value;
        }

        return options;
    }
}
