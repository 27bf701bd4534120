using Autopilot.Testing;

namespace Autopilot.Consul.Tests;

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}

/// <summary>Registration tests: an agent of their own lets them run beside the client tests.</summary>
[CollectionDefinition(Name)]
public sealed class ConsulRegistrationCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul-registration";
}

/// <summary>
/// The expiry test alone waits out Consul's reaper (over a minute): with an agent of its own it runs beside the other
/// registration tests instead of after them (Consul.Tests took 2.1 min, the longest project of the run's first phase).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsulExpiryCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul-expiry";
}
