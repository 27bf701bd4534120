using Autopilot.Testing;

namespace Autopilot.Clustering.Consul.Tests;

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}
