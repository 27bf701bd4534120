using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>Reads an options section, turning a value the binder cannot convert into one sentence naming the key.</summary>
public static class SectionBinder
{
    public static T Bind<T>(IConfiguration configuration, string section)
        where T : class, new() => Bind<T>(configuration.GetSection(section));

    public static T Bind<T>(IConfigurationSection section)
        where T : class, new()
    {
        try
        {
            return section.Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(section.Path, typeof(T), [e.Message]);
        }
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> with <paramref name="errors"/>, if there are any.</summary>
    public static void ThrowIfAny<T>(string section, IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(section, typeof(T), errors);
        }
    }
}
