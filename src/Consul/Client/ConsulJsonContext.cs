using System.Text.Json.Serialization;

namespace Autopilot.Consul.Client;

/// <summary>Consul's JSON is PascalCase, as the property names here; nulls are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<KvPair>))]
[JsonSerializable(typeof(List<TxnOp>))]
[JsonSerializable(typeof(TxnResponse))]
[JsonSerializable(typeof(AgentServiceRegistration))]
[JsonSerializable(typeof(AgentService))]
[JsonSerializable(typeof(Dictionary<string, AgentService>))]
[JsonSerializable(typeof(AclPolicy))]
[JsonSerializable(typeof(List<AclPolicy>))]
[JsonSerializable(typeof(AclToken))]
[JsonSerializable(typeof(List<AclToken>))]
[JsonSerializable(typeof(AgentTokenUpdate))]
[JsonSerializable(typeof(List<ServiceEntry>))]
[JsonSerializable(typeof(string))]
internal sealed partial class ConsulJsonContext : JsonSerializerContext;
