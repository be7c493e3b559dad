using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>Analyzer config options as the compiler passes them from MSBuild: <c>build_property.X</c> in the global options.</summary>
internal sealed class TestOptionsProvider(params (string Key, string Value)[] global) : AnalyzerConfigOptionsProvider
{
    private readonly Options _global = new(global.ToDictionary(p => p.Key, p => p.Value));

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.None;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.None;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Options None { get; } = new([]);

        // (NotNullWhen is declared twice here, by the framework and by the generator's polyfill, so it cannot be named)
#pragma warning disable CS8765
        public override bool TryGetValue(string key, out string? value) => values.TryGetValue(key, out value);
#pragma warning restore CS8765
    }
}
