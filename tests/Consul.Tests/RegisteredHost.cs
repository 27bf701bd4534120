using Autopilot.Consul.Registration;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autopilot.Consul.Tests;

/// <summary>A small web host on a free loopback port that registers itself in Consul the way the silo and gateway do.</summary>
internal static class RegisteredHost
{
    public static Task<WebApplication> StartAsync(Uri consul, string service, ILoggerProvider? logs = null) =>
        StartAsync(consul.ToString(), service, logs);

    /// <summary>The same, with Consul:Address as given: one agent, or several separated by commas.</summary>
    public static Task<WebApplication> StartAsync(string consul, string service, ILoggerProvider? logs = null) =>
        TestPorts.Retry(() => StartOnceAsync(consul, service, logs));

    private static async Task<WebApplication> StartOnceAsync(string consul, string service, ILoggerProvider? logs)
    {
        var port = TestPorts.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddConsulRegistration(o => o.Address = consul, services =>
        {
            var url = ReachableUrl.Of(services);
            return new ServiceRegistrationOptions
            {
                Name = service,
                Address = url.Host,
                Port = url.Port,
                CheckUrl = new Uri(url, "health/ready").ToString(),
                CheckInterval = TimeSpan.FromSeconds(1),
                ResyncInterval = TimeSpan.FromSeconds(1),
            };
        });
        var app = builder.Build();
        app.MapGet("/health/ready", () => Results.Ok("ready"));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
