using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Autopilot.SystemTests.Chromium;

namespace Autopilot.SystemTests;

/// <summary>
/// The page as a person sees it: Debian's chromium, driven by Playwright, against a local stack started by
/// <c>./autopilot up</c>. The tables show the workshop's rows, the cluster panel follows a scale-out, the rep form
/// stores a rep, a bad name shows the problem's detail, and the console stays free of errors. (The demo watched from the
/// page is <see cref="DemoTests"/>.)
/// </summary>
[Trait("Category", "system")]
public sealed partial class BrowserTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_page_shows_the_workshop_follows_a_scale_out_stores_a_rep_and_shows_a_problems_detail()
    {
        var chromium = Chromium.Ensure();
        await using var stack = new StackCommand(publish: false);
        var url = (await stack.Invoke(TimeSpan.FromMinutes(10), stack.UpArguments(silos: 2, gateways: 2))).Trim().Split('\n')[^1];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright, chromium);
        var page = await browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (console)
                {
                    console.Add($"{message.Type}: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
            {
                console.Add($"uncaught: {error}");
            }
        };

        await page.GotoAsync(url);

        // Both tables render the workshop's rows, each joined with the other table's data.
        foreach (var (company, rep) in new[] { ("ACME Corporation", "Alice"), ("Vandelay Industries", "Bob"), ("Hooli", "Carol"), ("Initech", "Dave") })
        {
            await Expect(page.Locator("#customers tr").Filter(new() { HasText = company }).Filter(new() { HasText = rep })).ToHaveCountAsync(1, new() { Timeout = Ms(Generous) });
            await Expect(page.Locator("#sales tr").Filter(new() { HasText = rep }).Filter(new() { HasText = company })).ToHaveCountAsync(1, new() { Timeout = Ms(Generous) });
        }

        // The cluster panel shows the two silos, then a third after scale silo=3, and the timeline says it joined.
        var activeSilos = page.Locator("#silos tr").Filter(new() { HasText = "Active" });
        await Expect(activeSilos).ToHaveCountAsync(2, new() { Timeout = Ms(Generous) });
        await stack.Invoke(TimeSpan.FromMinutes(2), "scale", "silo=3");
        await Expect(activeSilos).ToHaveCountAsync(3, new() { Timeout = Ms(Generous) });
        await Expect(page.Locator("#silos")).ToContainTextAsync("silo-3", new() { Timeout = Ms(Generous) });
        await Expect(page.Locator("#timeline")).ToContainTextAsync("joined", new() { Timeout = Ms(Generous) });

        // The rep form stores a rep: the table shows it, and the API has it.
        var form = page.Locator("#sales-form");
        await form.Locator("input[name=rep]").FillAsync("Erin");
        await form.Locator("input[name=phone]").FillAsync("555-5678");
        await form.Locator("input[name=client]").FillAsync("Hooli");
        await form.Locator("button").ClickAsync();
        await Expect(page.Locator("#sales tr").Filter(new() { HasText = "Erin" }).Filter(new() { HasText = "555-5678" })).ToHaveCountAsync(1, new() { Timeout = Ms(Generous) });
        await Expect(page.Locator("#sales-message")).ToBeEmptyAsync();
        using (var api = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(15) })
        {
            var stored = await api.GetStringAsync("/sales/Erin");
            Assert.Contains("\"client\":\"Hooli\"", stored, StringComparison.Ordinal);
        }

        lock (console)
        {
            Assert.True(console.Count == 0, $"the console has errors: {string.Join("; ", console)}");
        }

        // A bad name: the message under the form is the problem's detail, and nothing is stored.
        await form.Locator("input[name=rep]").FillAsync("Eve<script>");
        await form.Locator("input[name=phone]").FillAsync("555-0000");
        await form.Locator("input[name=client]").FillAsync("");
        await form.Locator("button").ClickAsync();
        await Expect(page.Locator("#sales-message")).ToHaveTextAsync(
            "rep may hold only letters, digits, spaces and .,&'-; '<' is not allowed.", new() { Timeout = Ms(Generous) });
        await Expect(page.Locator("#sales tr").Filter(new() { HasText = "Eve" })).ToHaveCountAsync(0);

        // The only console line allowed is chromium's own note of that 400 answer; no script error, no other failure.
        lock (console)
        {
            var unexpected = console.Where(line => !Rejected().IsMatch(line)).ToList();
            Assert.True(unexpected.Count == 0, $"the console has errors: {string.Join("; ", unexpected)}");
        }
    }

    [GeneratedRegex(@"^error: Failed to load resource: the server responded with a status of 400 \(Bad Request\) \(.*/sales/Eve%3Cscript%3E", RegexOptions.CultureInvariant)]
    private static partial Regex Rejected();
}
