using Xunit.Sdk;
using Xunit.v3;

namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>
/// Runs the tests of a class that crash nodes of its shared topology after the ones that only look at it, so a
/// failover in progress never shows up as another test's failure. Each disruptive test still restores what it broke.
/// </summary>
public sealed class DisruptiveTestsLast : ITestCaseOrderer
{
    public const string Trait = "Disruptive";

    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        [.. testCases.OrderBy(t => t.Traits.ContainsKey(Trait)).ThenBy(t => t.TestCaseDisplayName, StringComparer.Ordinal)];
}
