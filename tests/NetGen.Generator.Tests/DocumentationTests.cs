using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// Every C# block of the README and of docs/ compiles, with the generator and the analyzer, as it would
/// in a user's project: the documentation cannot rot. A block that marks a line <c>// NGxxxx</c> shows a
/// mistake on purpose and must give exactly those diagnostics.
/// </summary>
public sealed partial class DocumentationTests
{
    public static TheoryData<string> Blocks
    {
        get
        {
            var data = new TheoryData<string>();
            foreach ((string name, _) in All())
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Fact]
    public void The_documents_have_csharp_blocks()
    {
        var names = All().Select(b => b.Name).ToList();
        Assert.True(names.Count(n => n.StartsWith("README.md", System.StringComparison.Ordinal)) >= 5, string.Join(", ", names));
        Assert.True(names.Count(n => n.StartsWith("docs/diagnostics.md", System.StringComparison.Ordinal)) >= 40, string.Join(", ", names));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_csharp_block_compiles_as_it_says(string block)
    {
        string source = All().Single(b => b.Name == block).Source;
        string[] expected = [.. ExpectedIds().Matches(source).Select(m => m.Groups[1].Value).Distinct().Order()];

        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Block.cs");
        bool program = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocumentationBlock",
            [tree],
            GeneratorHarness.References,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // A block that compiles weights in gets the EmbeddedDigits sample's, as its project would.
        GenerationResult result = GeneratorHarness.Run(compilation, [WeightsFiles.Existing(Path.Combine(RepositoryPaths.Root, "samples", "EmbeddedDigits", "digits.safetensors"))]);
        Assert.Null(result.Generator.Exception);
        string[] reported = [.. result.AnalyzerDiagnostics.Select(d => d.Id).Distinct().Order()];
        Assert.True(expected.SequenceEqual(reported), $"{block}: expected [{string.Join(", ", expected)}], the analyzer reported [{string.Join(", ", reported)}]");
        string[] problems = [.. result.CompilationDiagnostics.Select(d => d.ToString())];
        Assert.True(problems.Length == 0, $"{block} does not compile cleanly:\n{string.Join("\n", problems)}\n{source}");
    }

    /// <summary>The ```csharp blocks of README.md and docs/*.md, named by file and line.</summary>
    private static IEnumerable<(string Name, string Source)> All()
    {
        string root = RepositoryPaths.Root;
        IEnumerable<string> files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order());
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```csharp")
                {
                    continue;
                }

                int start = i + 1;
                int end = start;
                while (end < lines.Length && lines[end].Trim() != "```")
                {
                    end++;
                }

                yield return ($"{relative}:{start}", string.Join("\n", lines[start..end]));
                i = end;
            }
        }
    }

    [GeneratedRegex(@"//\s*(NG\d{4})\b")]
    private static partial Regex ExpectedIds();
}
