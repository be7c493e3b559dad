using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/NetGen.Benchmarks -- --filter '*'          (everything)
// dotnet run -c Release --project bench/NetGen.Benchmarks -- --filter '*TrainOneSample*' --job short
BenchmarkSwitcher.FromAssembly(typeof(NetGen.Benchmarks.NetworkBenchmarks).Assembly).Run(args);
