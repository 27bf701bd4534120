using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>
/// The options pipeline as every host of the stack uses it: a section bound to its options class, checked at start by an
/// <see cref="IValidateOptions{TOptions}"/> (<c>ValidateOnStart</c>). A value the binder cannot convert, and every rule a
/// validator checks, ends the host with exit code 2 and one sentence naming the key (<see cref="AutopilotHost"/>).
/// </summary>
public static class AutopilotOptions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it with <typeparamref name="TValidator"/> at start.</summary>
    public static OptionsBuilder<TOptions> AddAutopilotOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is the configuration binder's refusal of a value: "Failed to convert configuration
    /// value 'soon' at 'Startup:DependencyTimeout' to type 'System.TimeSpan'." names the value and the key.
    /// </summary>
    public static bool IsBinderError(Exception exception) =>
        exception is InvalidOperationException &&
        exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) &&
        exception.Message.Contains(" at '", StringComparison.Ordinal);

    /// <summary>The outcome of a validator: success, or one failure per broken rule.</summary>
    public static ValidateOptionsResult Result(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
