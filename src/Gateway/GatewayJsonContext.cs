using System.Text.Json;
using System.Text.Json.Serialization;
using Autopilot.Contracts;

namespace Autopilot.Gateway;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CustomerPut))]
[JsonSerializable(typeof(SalesRepPut))]
[JsonSerializable(typeof(CustomerRecord))]
[JsonSerializable(typeof(IReadOnlyList<CustomerRecord>))]
[JsonSerializable(typeof(SalesRepRecord))]
[JsonSerializable(typeof(IReadOnlyList<SalesRepRecord>))]
[JsonSerializable(typeof(ClusterView))]
public sealed partial class GatewayJsonContext : JsonSerializerContext;
