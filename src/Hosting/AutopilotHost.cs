using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>Runs a host of the stack with the exit-code contract of <see cref="ExitCodes"/>.</summary>
public static class AutopilotHost
{
    /// <summary>
    /// Builds the host (<see cref="HostingExtensions.AddAutopilotHost"/>, then <paramref name="configure"/>), maps its endpoints
    /// (<see cref="HostingExtensions.MapAutopilotHost"/>, then <paramref name="map"/>) and runs it until SIGTERM. Bad
    /// configuration (an <see cref="OptionsValidationException"/>, a value the configuration binder refused, or what
    /// <paramref name="isConfigurationError"/> recognises, however deep it is wrapped) prints one sentence and returns 2; a <see cref="StartupFailedException"/> prints its message and returns 1.
    /// </summary>
    public static async Task<int> RunAsync(
        HostRole role,
        string[] args,
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> map,
        Func<Exception, bool>? isConfigurationError = null)
    {
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddAutopilotHost(role);
            configure(builder);
            app = builder.Build();
            app.MapAutopilotHost();
            map(app);
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (HostAbortedException)
        {
            // A test host (WebApplicationFactory) stops the program right after Build, on purpose.
            throw;
        }
        catch (Exception e) when (Chain(e).FirstOrDefault(c => c is OptionsValidationException || AutopilotOptions.IsBinderError(c) || isConfigurationError?.Invoke(c) == true) is { } bad)
        {
            await Console.Error.WriteLineAsync($"autopilot {role.Name}: bad configuration: {bad.Message}");
            return ExitCodes.BadConfiguration;
        }
        catch (Exception e) when (Find<StartupFailedException>(e) is { } failed)
        {
            // Often wrapped by the runtime that called it (Orleans' "membership failed to start").
            await Console.Error.WriteLineAsync($"autopilot {role.Name}: could not start: {failed.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (app?.Lifetime.ApplicationStopping.IsCancellationRequested == true)
        {
            // Asked to stop (SIGTERM), or a supervised child died, before the host had finished starting.
            await Console.Error.WriteLineAsync($"autopilot {role.Name}: stopped while starting");
            return Environment.ExitCode;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"autopilot {role.Name}: failed: {e.GetType().Name}: {e.Message}\n{e}");
            return ExitCodes.Failed;
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception => Chain(exception).OfType<T>().FirstOrDefault();

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
