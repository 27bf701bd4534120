using Autopilot.Testing;

namespace Autopilot.Edge.Tests;

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}
