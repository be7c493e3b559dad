namespace NetGen.Generator.Model;

/// <summary>What the parser made of one declaration: a model to emit (unless it is invalid) and its diagnostics.</summary>
internal sealed record ParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
