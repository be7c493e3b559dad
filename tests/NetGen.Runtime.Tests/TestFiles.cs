using System;
using System.IO;

namespace NetGen.Runtime.Tests;

/// <summary>Where the shipped data is, and a scratch folder per test class.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "netgen-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>A folder deleted when the test is done.</summary>
    public string Directory { get; }

    /// <summary>The digits shipped in the repository.</summary>
    public static string MnistFolder { get; } = Path.Combine(RepositoryRoot(), "data", "mnist-10k");

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, byte[] content)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteText(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: NetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
