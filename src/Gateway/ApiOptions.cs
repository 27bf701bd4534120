using Autopilot.Hosting;

namespace Autopilot.Gateway;

/// <summary>The HTTP API's own limits, section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// The whole time a request may take, retries of its grain calls included; below nginx's <c>proxy_read_timeout</c> (30 s)
    /// so that the caller hears this gateway's answer (503 or 504 problem+json), not nginx's.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = Deadlines.Request;

    public static ApiOptions Load(IConfiguration configuration)
    {
        var options = SectionBinder.Bind<ApiOptions>(configuration, Section);
        SectionBinder.ThrowIfAny<ApiOptions>(Section, options.RequestTimeout > TimeSpan.Zero
            ? []
            : [$"{Section}:RequestTimeout must be positive; it is {options.RequestTimeout}."]);
        return options;
    }
}
