using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>Where grain state lives, section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The key that, when set, keeps grain state in Redis; unset keeps it in the silos' memory (the embedded mode).</summary>
    public const string RedisKey = $"{Section}:Redis";

    /// <summary>A StackExchange.Redis connection string; unset keeps grain state in the silos' memory.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// A file holding Redis's password (a Docker secret, or a file of the run folder): the connection authenticates with
    /// it, and the password stays out of the connection string, the command line and the logs.
    /// </summary>
    public string? RedisPasswordFile { get; set; }

    public static bool RedisConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[RedisKey]);

    /// <summary>The Redis connection's options, or null when <see cref="Redis"/> is unset. Throws on a string Redis cannot read.</summary>
    public ConfigurationOptions? RedisConfiguration()
    {
        if (string.IsNullOrWhiteSpace(Redis))
        {
            return null;
        }

        var options = ConfigurationOptions.Parse(Redis);
        // Connections are retried by RedisConnection at start, and by the multiplexer itself afterwards.
        options.AbortOnConnectFail = true;
        if (!string.IsNullOrWhiteSpace(RedisPasswordFile))
        {
            options.Password = File.ReadAllText(RedisPasswordFile).Trim();
        }

        return options;
    }

    internal sealed class Validator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            if (!string.IsNullOrWhiteSpace(options.RedisPasswordFile) && !File.Exists(options.RedisPasswordFile))
            {
                return AutopilotOptions.Result([$"{Section}:RedisPasswordFile '{options.RedisPasswordFile}' does not exist."]);
            }

            try
            {
                options.RedisConfiguration();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return AutopilotOptions.Result([$"{RedisKey} '{options.Redis}' is not a Redis connection string: {e.Message}"]);
            }
            catch (IOException e)
            {
                return AutopilotOptions.Result([$"{Section}:RedisPasswordFile '{options.RedisPasswordFile}' cannot be read: {e.Message}"]);
            }
        }
    }
}
