using System;
using System.IO;
using System.Text.RegularExpressions;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot testing with Verify's file conventions: the expected text lives in
/// <c>Snapshots/{name}.verified.cs</c> beside the test; on a mismatch the actual text is written to
/// <c>{name}.received.cs</c> for diffing, and the test fails. Set NETGEN_ACCEPT_SNAPSHOTS=1 to accept
/// the received text as the new verified text (then review the diff in git).
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "NETGEN_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name)
    {
        string directory = Path.Combine(RepositoryPaths.TestProject, "Snapshots");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string scrubbed = Scrub(actual);

        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true";
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == scrubbed)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        if (accept)
        {
            File.WriteAllText(verifiedPath, scrubbed);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, scrubbed);
        Assert.Fail(verified is null
            ? $"No snapshot {verifiedPath} yet. Review {receivedPath} and accept it with {AcceptVariable}=1."
            : $"Generated source differs from {verifiedPath}. Diff it with {receivedPath}; accept with {AcceptVariable}=1 if the change is intended.");
    }

    /// <summary>Replaces what changes between builds (the generator's version) and normalises line endings.</summary>
    private static string Scrub(string text) =>
        VersionPattern().Replace(Normalize(text), "GeneratedCode(\"NetGen\", \"VERSION\")");

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    [GeneratedRegex("GeneratedCode\\(\"NetGen\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
