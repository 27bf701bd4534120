using Autopilot.Hosting;
using Microsoft.Extensions.Options;

namespace Autopilot.Gateway;

/// <summary>The HTTP API's own limits, section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// The whole time a request may take, retries of its grain calls included; below nginx's <c>proxy_read_timeout</c> so
    /// that the caller hears this gateway's answer (503 or 504 problem+json), not nginx's (<see cref="Deadlines.Request"/>).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = Deadlines.Request;

    internal sealed class Validator : IValidateOptions<ApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiOptions options) => AutopilotOptions.Result(options.RequestTimeout > TimeSpan.Zero
            ? []
            : [$"{Section}:RequestTimeout must be positive; it is {options.RequestTimeout}."]);
    }
}
