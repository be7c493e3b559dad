using System.IO;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using NetGen.Generator.Emitting;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generator through Roslyn's own source-generator test: exactly one file, named after the class, with
/// the reviewed snapshot's text, and a compilation with no diagnostic.
/// </summary>
public sealed class GeneratorTestingTests
{
    [Fact]
    public Task The_xor_network_generates_its_snapshot()
    {
        string expected = File.ReadAllText(Path.Combine(RepositoryPaths.TestProject, "Snapshots", "XorNetwork.verified.cs"))
            .Replace("GeneratedCode(\"NetGen\", \"VERSION\")", $"GeneratedCode(\"NetGen\", \"{Emitter.Version}\")", System.StringComparison.Ordinal);
        var test = new CSharpSourceGeneratorTest<NetworkGenerator, DefaultVerifier>
        {
            TestCode = """
                using NetGen;

                [Network]
                [Input(2)]
                [Dense(3)] [Sigmoid]
                [Dense(1)] [Sigmoid]
                internal sealed partial class XorNetwork { }
                """,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        test.TestState.GeneratedSources.Add((typeof(NetworkGenerator), "XorNetwork.g.cs", expected));
        return test.RunAsync();
    }
}
