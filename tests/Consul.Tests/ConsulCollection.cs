using Autopilot.Testing;

namespace Autopilot.Consul.Tests;

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}

/// <summary>Registration tests wait on Consul's one-minute reaper: an agent of their own lets them run beside the client tests.</summary>
[CollectionDefinition(Name)]
public sealed class ConsulRegistrationCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul-registration";
}
