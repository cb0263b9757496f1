using Spectre.Console;
using VibeZ.Bench;

// Redirected (CI logs, tests) the console has no width of its own; tables would wrap into unreadable columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
}

return await BenchCommandLine.Build().Parse(args).InvokeAsync();
