using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>Where grain state lives, section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A StackExchange.Redis connection string; unset keeps grain state in the silos' memory.</summary>
    public string? Redis { get; set; }

    /// <summary>Reads the section; the Redis connection options when <c>Storage:Redis</c> is set, else null. Throws naming the key on a bad value.</summary>
    public static ConfigurationOptions? LoadRedis(IConfiguration configuration)
    {
        var redis = configuration.GetSection(Section).Get<StorageOptions>()?.Redis;
        if (string.IsNullOrWhiteSpace(redis))
        {
            return null;
        }

        try
        {
            var options = ConfigurationOptions.Parse(redis);
            // Connections are retried by RedisConnection at start, and by the multiplexer itself afterwards.
            options.AbortOnConnectFail = true;
            return options;
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(Section, typeof(StorageOptions), [$"{Section}:Redis '{redis}' is not a Redis connection string: {e.Message}"]);
        }
    }
}
