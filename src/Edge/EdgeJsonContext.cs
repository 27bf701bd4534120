using System.Text.Json;
using System.Text.Json.Serialization;

namespace Autopilot.Edge;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EdgeSnapshot))]
[JsonSerializable(typeof(List<ScrapeTargetGroup>))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
