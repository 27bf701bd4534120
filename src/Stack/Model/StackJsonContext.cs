using System.Text.Json.Serialization;

namespace Autopilot.Stack.Model;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StackState))]
internal sealed partial class StackJsonContext : JsonSerializerContext;
