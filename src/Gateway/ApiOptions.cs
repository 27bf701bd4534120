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

    /// <summary>
    /// Key <c>Api:Deadline</c> (<see cref="FeatureSwitches"/>): whether <see cref="RequestTimeout"/> is enforced. Off, a
    /// request waits for its grain calls' own timeouts, and nginx's.
    /// </summary>
    public const string Deadline = "Api:Deadline";

    /// <summary>
    /// Key <c>Api:ETags</c> (<see cref="FeatureSwitches"/>): whether reads carry an ETag (a hash of the body) and answer a
    /// matching <c>If-None-Match</c> with 304. Off, every read answers 200 with its body.
    /// </summary>
    public const string ETags = "Api:ETags";

    /// <summary>
    /// Key <c>Api:RetryRejectedCalls</c> (<see cref="FeatureSwitches"/>): whether a grain call that a silo rejected (it was
    /// stopping, or the grain moved) is sent again within the deadline (<see cref="RejectedCallRetryFilter"/>). Off, such a
    /// call answers 503 at once.
    /// </summary>
    public const string RetryRejectedCalls = "Api:RetryRejectedCalls";

    /// <summary>
    /// Key <c>Api:GiveUpLostGatewayCalls</c> (<see cref="FeatureSwitches"/>): whether a grain call still waiting on a gateway
    /// the client has just lost is given up after the grace (<see cref="LostGatewayCalls"/>: a read sent again, a write
    /// answering 504). Off, such a call waits for its own timeout, and no call carries a cancellation source of its own.
    /// </summary>
    public const string GiveUpLostGatewayCalls = "Api:GiveUpLostGatewayCalls";

    internal sealed class Validator : IValidateOptions<ApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiOptions options) => AutopilotOptions.Result(options.RequestTimeout > TimeSpan.Zero
            ? []
            : [$"{Section}:RequestTimeout must be positive; it is {options.RequestTimeout}."]);
    }
}
