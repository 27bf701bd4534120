using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class ConsulRegistrationExtensions
{
    /// <summary>
    /// Registers this process in Consul once the host has started, with a check the agent runs itself, and
    /// deregisters on shutdown. <paramref name="describe"/> runs after start-up, when listening addresses are known.
    /// </summary>
    public static IServiceCollection AddConsulRegistration(
        this IServiceCollection services, Action<ConsulClientOptions> configureClient, Func<IServiceProvider, ServiceRegistrationOptions> describe)
    {
        services.AddConsulClient(configureClient);
        return services.AddRegistration(describe);
    }

    /// <summary>The same, reaching the agent the configuration section <c>Consul</c> names; nothing when <c>Consul:Address</c> is unset (the embedded mode).</summary>
    public static IServiceCollection AddConsulRegistration(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, ServiceRegistrationOptions> describe) =>
        ConsulClientOptions.Configured(configuration) ? services.AddConsulClient().AddRegistration(describe) : services;

    private static IServiceCollection AddRegistration(this IServiceCollection services, Func<IServiceProvider, ServiceRegistrationOptions> describe)
    {
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<ConsulServiceRegistration>(provider, describe));
        services.AddHostedService(provider => provider.GetRequiredService<ConsulServiceRegistration>());
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, CheckIdentityFilter>();
        return services;
    }
}
