using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Autopilot.Consul.Client;

public static class ConsulClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ConsulClient"/> with a named HttpClient carrying the ACL token, and a retry policy:
    /// reads retry on transient failures, writes only when the connection could not even be opened (nothing was sent), and
    /// blocking queries never (<see cref="ConsulClient.NoRetry"/>).
    /// </summary>
    public static IServiceCollection AddConsulClient(this IServiceCollection services, Action<ConsulClientOptions> configure)
    {
        if (services.Any(d => d.ServiceType == typeof(ConsulClient)))
        {
            // Clustering and registration both ask for the client: one HttpClient, one token header.
            return services;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsulClientOptions>, ConsulClientOptions.Validator>());
        services.AddOptions<ConsulClientOptions>().Configure(configure).ValidateOnStart();
        services.AddHttpClient(ConsulClient.HttpClientName, (provider, http) =>
            {
                var token = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsulClientOptions>>().Value.EffectiveToken();
                if (!string.IsNullOrEmpty(token))
                {
                    http.DefaultRequestHeaders.Add("X-Consul-Token", token);
                }

                // Per-call timeouts are set by ConsulClient, which knows how long a blocking query may wait.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("consul", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.GetRequestMessage())),
            }));
        services.TryAddSingleton<ConsulClient>();
        return services;
    }

    /// <summary>The same, with the settings bound from the configuration section <c>Consul</c> (checked when the host starts).</summary>
    public static IServiceCollection AddConsulClient(this IServiceCollection services)
    {
        services.AddOptions<ConsulClientOptions>().BindConfiguration(ConsulClientOptions.Section);
        // A host's client: its token is checked before anything of the host starts (ConsulTokenGate).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConsulTokenGate>());
        return services.AddConsulClient(_ => { });
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (request?.Options.TryGetValue(ConsulClient.NoRetry, out var noRetry) == true && noRetry)
        {
            return false;
        }

        var method = request?.Method;
        if (outcome.Exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } })
        {
            return true;
        }

        var read = method == HttpMethod.Get;
        return read && (outcome.Exception is HttpRequestException || outcome.Result is { StatusCode: >= System.Net.HttpStatusCode.InternalServerError });
    }
}
