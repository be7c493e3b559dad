using System;
using System.IO;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Files of the repository, found from where the tests run. Not from [CallerFilePath]: CI builds map
/// source paths to /_/ (ContinuousIntegrationBuild), which exist only in the compiler's view.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>This test project's folder.</summary>
    public static string TestProject => Path.Combine(Root, "tests", "NetGen.Generator.Tests");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
