using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator.Tests.Declarations;
using NetGen.Generator.Tests.Infrastructure;
using NetGen.Tests.Oracle;

namespace NetGen.Generator.Tests;

/// <summary>
/// Property-based: thousands of declarations drawn by FsCheck (valid networks, the same mutated, random
/// layer lists), each judged by <see cref="DeclarationRules"/> from the documented rules alone. The generator
/// and the analyzer never throw; a declaration the rules refuse gets at least one of the NG errors they call
/// for and no other, located in its own file; one C# refuses gets a compiler error there; a valid one
/// compiles with no error or warning and its <c>Forward</c> computes what the double-precision oracle does.
/// Declarations are compiled in batches (one file each), which keeps the test to seconds.
/// </summary>
public sealed class DeclarationPropertyTests
{
    private const int BatchSize = 100;

    /// <summary>Batches per run: 30 (3,000 declarations) by default, more with NETGEN_PROPERTY_BATCHES.</summary>
    private static int Batches =>
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_PROPERTY_BATCHES"), out int n) && n > 0 ? n : 30;

    private static readonly Dictionary<string, int> s_tally = [];

    [Fact]
    public void Every_declaration_is_diagnosed_as_the_rules_say_or_computes_like_the_oracle()
    {
        // No shrinking: a failure names the declaration's source, which is what one needs to reproduce it.
        Arbitrary<DeclarationBatch> batches = Arb.From(DeclarationGenerators.Batch(BatchSize));
        Prop.ForAll(batches, CheckBatch).Check(Replaying(Config.QuickThrowOnFailure.WithMaxTest(Batches).WithQuietOnSuccess(true)));

        // The draw must reach every kind of outcome, or the property says little (a replay runs one batch).
        if (Environment.GetEnvironmentVariable("NETGEN_PROPERTY_REPLAY") is { Length: > 0 })
        {
            return;
        }

        lock (s_tally)
        {
            Assert.True(s_tally.GetValueOrDefault("valid") > Batches * BatchSize / 5, Tally());
            Assert.True(s_tally.GetValueOrDefault("refused by NG") > Batches * BatchSize / 5, Tally());
            Assert.True(s_tally.GetValueOrDefault("refused by C#") > 0, Tally());
            foreach (string id in new[] { "NG0022", "NG0001", "NG0002", "NG0003", "NG0004", "NG0005", "NG0006", "NG0007", "NG0008", "NG0009", "NG0010", "NG0011", "NG0013", "NG0014", "NG0015", "NG0016", "NG0017", "NG0019", "NG0020" })
            {
                Assert.True(s_tally.GetValueOrDefault(id) > 0, $"no declaration drew {id}; {Tally()}");
            }
        }
    }

    /// <summary>
    /// A failure prints "Replay directly at failing step with (seed,gamma,size)"; NETGEN_PROPERTY_REPLAY=seed,gamma,size
    /// runs that batch again.
    /// </summary>
    private static Config Replaying(Config config)
    {
        string? replay = Environment.GetEnvironmentVariable("NETGEN_PROPERTY_REPLAY");
        if (string.IsNullOrWhiteSpace(replay))
        {
            return config;
        }

        string[] parts = replay.Trim('(', ')', ' ').Split(',');
        var rnd = new Rnd(ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        int size = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        return config.WithReplay(new Replay(rnd, Microsoft.FSharp.Core.FSharpOption<int>.Some(size))).WithMaxTest(1);
    }

    private static string Tally() => string.Join(", ", s_tally.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"));

    private static void Count(string key)
    {
        lock (s_tally)
        {
            s_tally[key] = s_tally.GetValueOrDefault(key) + 1;
        }
    }

    private static void CheckBatch(DeclarationBatch batch)
    {
        Declaration[] declarations = batch.Declarations;
        string[] sources = [.. declarations.Select((d, i) => d.Render(Namespace(i)))];
        Verdict[] verdicts = [.. declarations.Select(DeclarationRules.Judge)];
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources);
        GenerationResult result = GeneratorHarness.Run(compilation);

        Assert.Null(result.Generator.Exception);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        ImmutableArray<Diagnostic> analyzer = result.AnalyzerDiagnostics;
        Assert.DoesNotContain(analyzer, d => d.Id == "AD0001");
        var failures = new List<string>();
        var valid = new List<int>();
        for (int i = 0; i < declarations.Length; i++)
        {
            SyntaxTree tree = compilation.SyntaxTrees.ElementAt(i);
            Diagnostic[] ng = [.. analyzer.Where(d => d.Location.SourceTree == tree)];
            // The compiler's view of the declaration as typed; valid declarations are compiled again with
            // their generated code as they are emitted, below.
            Diagnostic[] csharp = [.. compilation.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
            string? problem = Check(verdicts[i], ng, csharp, HasGeneratedFile(result, Namespace(i)));
            if (problem is not null)
            {
                failures.Add($"{problem}\n{sources[i]}");
            }
            else if (verdicts[i].IsValid)
            {
                valid.Add(i);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
        CheckForwardAgainstOracle(result, [.. valid.Select(i => (i, verdicts[i].Oracle!, declarations[i]))], sources);
    }

    private static string Namespace(int index) => "Case" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasGeneratedFile(GenerationResult result, string ns) =>
        result.Generator.GeneratedSources.Any(s => s.HintName.StartsWith(ns + ".", StringComparison.Ordinal));

    /// <summary>The source of the declaration a diagnostic of the emitted assembly belongs to.</summary>
    private static string SourceOf(Diagnostic diagnostic, (int Index, ReferenceNetwork Oracle, Declaration Declaration)[] valid, string[] sources)
    {
        string file = Path.GetFileName(diagnostic.Location.SourceTree?.FilePath ?? string.Empty).Split('.')[0];
        return valid.Where(v => file == $"Source{v.Index}" || file == Namespace(v.Index)).Select(v => sources[v.Index]).FirstOrDefault() ?? "(no source)";
    }

    /// <summary>What is wrong with how one declaration was handled, or null.</summary>
    private static string? Check(Verdict verdict, Diagnostic[] ng, Diagnostic[] csharp, bool generated)
    {
        Diagnostic[] ngErrors = [.. ng.Where(d => d.Severity == DiagnosticSeverity.Error)];
        Diagnostic[] csErrors = [.. csharp.Where(d => d.Severity == DiagnosticSeverity.Error)];
        string Reported() => string.Join("; ", ng.Concat(csharp).Select(d => d.ToString()));
        if (ngErrors.Any(d => !d.Id.StartsWith("NG", StringComparison.Ordinal) || !d.Location.IsInSource))
        {
            return "a diagnostic without a source location: " + Reported();
        }

        if (verdict.CompilerError)
        {
            Count("refused by C#");
            return csErrors.Length > 0 ? null : "C# refuses this declaration, but no compiler error was reported: " + Reported();
        }

        if (!verdict.IsNetwork)
        {
            Count("not a network");
            return ngErrors.Length == 0 && csErrors.Length == 0 && !generated ? null : "a class without [Network] got errors or code: " + Reported();
        }

        if (verdict.Errors.Count > 0)
        {
            Count("refused by NG");
            foreach (string id in ngErrors.Select(d => d.Id).Distinct())
            {
                Count(id);
            }

            string[] unexpected = [.. ngErrors.Select(d => d.Id).Where(id => !verdict.Errors.Contains(id) && !verdict.MayAlsoReport.Contains(id)).Distinct()];
            if (!ngErrors.Any(d => verdict.Errors.Contains(d.Id)) || unexpected.Length > 0)
            {
                return $"the rules call for one of {string.Join(", ", verdict.Errors.Order())}; reported: {Reported()}";
            }

            return generated || csErrors.Length > 0 ? "an invalid declaration got generated code or compiler errors: " + Reported() : null;
        }

        Count("valid");
        if (ng.Length > 0 || csharp.Length > 0)
        {
            return "a valid declaration got diagnostics: " + Reported();
        }

        return generated ? null : "a valid declaration got no generated code";
    }

    /// <summary>Emits the valid declarations (and their generated code) into an assembly and compares each Forward with the oracle.</summary>
    private static void CheckForwardAgainstOracle(GenerationResult result, (int Index, ReferenceNetwork Oracle, Declaration Declaration)[] valid, string[] sources)
    {
        // Input trees are Source{i}.cs; generated ones are named {namespace}.Net.g.cs.
        var keep = new HashSet<string>(valid.SelectMany(v => new[] { $"Source{v.Index}", Namespace(v.Index) }));
        Compilation output = result.Output;
        SyntaxTree[] drop = [.. output.SyntaxTrees.Where(t => !keep.Contains(Path.GetFileName(t.FilePath).Split('.')[0]))];
        Compilation valids = output.RemoveSyntaxTrees(drop);
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = valids.Emit(image);
        string[] problems =
        [
            .. emitted.Diagnostics
                .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                .Take(5)
                .Select(d => $"a valid declaration's code does not compile clean: {d}\n{SourceOf(d, valid, sources)}"),
        ];
        Assert.True(emitted.Success && problems.Length == 0, string.Join("\n", problems));

        var context = new AssemblyLoadContext("declarations", isCollectible: true);
        try
        {
            image.Position = 0;
            System.Reflection.Assembly assembly = context.LoadFromStream(image);
            var random = new Random(valid.Length);
            foreach ((int index, ReferenceNetwork oracle, Declaration declaration) in valid)
            {
                Type type = assembly.GetType(declaration.TypeName(Namespace(index)), throwOnError: true)!;
                var network = (IPredictor)Activator.CreateInstance(type, 7)!;
                Assert.Equal(oracle.ParameterCount, network.ParameterCount);
                Assert.Equal(oracle.InputSize, network.InputSize);
                Assert.Equal(oracle.OutputSize, network.OutputSize);

                // Parameters of the scale an initialiser gives, so that activations stay in their interesting range.
                double[] p = [.. Enumerable.Range(0, network.ParameterCount).Select(_ => (random.NextDouble() * 2) - 1)];
                double[] x = [.. Enumerable.Range(0, network.InputSize).Select(_ => (random.NextDouble() * 2) - 1)];
                float[] pf = [.. p.Select(v => (float)(v / Math.Sqrt(8)))];
                pf.CopyTo(network.Parameters);
                var y = new float[network.OutputSize];
                network.Forward([.. x.Select(v => (float)v)], y);
                int widest = network.Info.Layers.Max(l => l.Inputs);
                double[] expected = oracle.Forward([.. pf.Select(v => (double)v)], [.. x.Select(v => (double)(float)v)]);
                for (int k = 0; k < y.Length; k++)
                {
                    // float32 sums of n products drift by about sqrt(n) roundings: a layer of a million inputs needs more room.
                    double tolerance = (1e-4 + (2e-6 * Math.Sqrt(widest))) * (1 + Math.Abs(expected[k]));
                    Assert.True(Math.Abs(y[k] - expected[k]) <= tolerance, $"output {k}: {y[k]} but the oracle says {expected[k]}\n{sources[index]}");
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
