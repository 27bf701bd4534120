using System.Text.Json.Serialization;

namespace Autopilot.Clustering.Consul;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MembershipRow))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
