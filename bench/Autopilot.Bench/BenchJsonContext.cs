using System.Text.Json.Serialization;

namespace Autopilot.Bench;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Report))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
