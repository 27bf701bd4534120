using System.Text.Json.Serialization;

namespace Autopilot.Consul.Membership;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MembershipRow))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
