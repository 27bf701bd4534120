using Autopilot.Testing;
using Microsoft.Playwright;

namespace Autopilot.SystemTests;

/// <summary>Debian's chromium as the page tests drive it, and Playwright's assertions on its locators.</summary>
internal static class Chromium
{
    /// <summary>Debian's chromium, installed if it is missing: each test asks first, before it starts a stack.</summary>
    public static string Ensure() => DebianPackage.Ensure("chromium", "/usr/bin/chromium");

    /// <summary>Starts <paramref name="executable"/> (<see cref="Ensure"/>) headless through <paramref name="playwright"/>.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string executable) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = executable,
        Headless = true,
        // The tests may run as root, where chromium's sandbox cannot start; nothing but this stack's page is loaded.
        Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });

    public static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>A Playwright timeout.</summary>
    public static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;
}
