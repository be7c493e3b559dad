using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using NetGen.Checkpoints;
using NetGen.Data;

namespace NetGen.Runtime.Tests;

/// <summary>
/// Mutation fuzzing of the readers: valid files with bits flipped, bytes inserted, deleted, overwritten,
/// truncated, and header fields and JSON characters corrupted, thousands of seeded times each (more with
/// NETGEN_FUZZ_ITERATIONS). A reader may only ever raise <see cref="InvalidDataException"/> naming the file,
/// must allocate no more than a small multiple of the file's size, and a failed checkpoint load must leave
/// the network and its optimizer state as they were. A failure names the seed that makes it again.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Iterations per reader: 2,000 in every run, more on request.</summary>
    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 2000;

    [Fact]
    public void The_idx_reader_raises_only_invalid_data_naming_the_file()
    {
        byte[] images = IdxReaderTests.ImagesFile(10, 28, 28, [.. Enumerable.Range(0, 7840).Select(i => (byte)(i * 7))]);
        byte[] labels = IdxReaderTests.LabelsFile([.. Enumerable.Range(0, 10).Select(i => (byte)i)]);
        var kinds = new (string Name, byte[] Content, bool Gzip, bool Images)[]
        {
            ("images", images, false, true),
            ("images.gz", images, true, true),
            ("labels", labels, false, false),
            ("labels.gz", labels, true, false),
        };

        Fuzz("idx", seed =>
        {
            var random = new DeterministicRandom(seed);
            (string name, byte[] content, bool gzip, bool isImages) = kinds[seed % kinds.Length];
            byte[] mutated;
            string how;
            if (gzip && random.NextInt32(2) == 0)
            {
                // a well-formed gzip stream of mutated content
                (byte[] inner, how) = Mutate(content, ref random, IdxFields);
                mutated = IdxReaderTests.Gzip(inner);
                how = "gzip of " + how;
            }
            else
            {
                (mutated, how) = Mutate(gzip ? IdxReaderTests.Gzip(content) : content, ref random, gzip ? null : IdxFields);
            }

            string path = _files.Write(name, mutated);
            return (path, how, 64L * Math.Max(mutated.Length, content.Length), () =>
            {
                if (isImages)
                {
                    IdxReader.ReadImages(path);
                }
                else
                {
                    IdxReader.ReadLabels(path);
                }
            });
        });
    }

    [Fact]
    public void The_csv_reader_raises_only_invalid_data_naming_the_file()
    {
        var text = new StringBuilder("sepal_length,sepal_width,species\n");
        var random0 = new DeterministicRandom(1);
        for (int row = 0; row < 40; row++)
        {
            text.Append($"{random0.NextSingle() * 8:F2},{random0.NextSingle() * 4:F2},{(row % 3 == 0 ? "setosa" : row % 3 == 1 ? "virginica" : "\"versi,color\"")}\n");
        }

        byte[] content = Encoding.UTF8.GetBytes(text.ToString());
        Fuzz("csv", seed =>
        {
            var random = new DeterministicRandom(seed);
            (byte[] mutated, string how) = Mutate(content, ref random, CsvCharacters);
            string path = _files.Write("data.csv", mutated);
            var options = (seed % 3) switch
            {
                0 => new CsvOptions(),
                1 => new CsvOptions { LabelColumn = "species" },
                _ => new CsvOptions { LabelColumnIndex = 2, HasHeader = true, Classes = ["setosa", "virginica", "versi,color"] },
            };
            return (path, how, 64L * Math.Max(mutated.Length, 4096), () => CsvReader.Load(path, options));
        });
    }

    [Fact]
    public void A_checkpoint_load_raises_only_invalid_data_and_changes_nothing_when_it_fails()
    {
        var source = new TinyAdamNet(3);
        source.TrainBatch([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f], [1, 0, 0, 0, 1, 0], 0.01f);
        string valid = _files.PathOf("valid.safetensors");
        Checkpoint.Save(source, valid, new Dictionary<string, string> { [Checkpoint.EpochKey] = "3" });
        byte[] content = File.ReadAllBytes(valid);
        var target = new TinyAdamNet(5);
        target.StepCount = 7;

        Fuzz("safetensors", seed =>
        {
            var random = new DeterministicRandom(seed);
            (byte[] mutated, string how) = Mutate(content, ref random, SafeTensorsFields);
            string path = _files.Write("mutated.safetensors", mutated);
            return (path, how, (8L * mutated.Length) + (1 << 16), () =>
            {
                float[] parameters = target.Parameters.ToArray();
                float[] state = target.OptimizerState.ToArray();
                long steps = target.StepCount;
                try
                {
                    Checkpoint.Load(target, path);
                }
                catch (InvalidDataException)
                {
                    if (!parameters.AsSpan().SequenceEqual(target.Parameters) || !state.AsSpan().SequenceEqual(target.OptimizerState) || steps != target.StepCount)
                    {
                        throw new InvalidOperationException("a failed load changed the network");
                    }

                    throw;
                }
                finally
                {
                    parameters.CopyTo(target.Parameters);
                    state.CopyTo(target.OptimizerState);
                    target.StepCount = steps;
                }
            });
        });
    }

    /// <summary>Runs <see cref="Iterations"/> cases; each returns its file, how it was mutated, its allocation budget and the read.</summary>
    private static void Fuzz(string kind, Func<int, (string Path, string How, long Budget, Action Read)> make)
    {
        var failures = new List<string>();
        int refused = 0;
        for (int seed = 0; seed < Iterations; seed++)
        {
            (string path, string how, long budget, Action read) = make(seed);
            string name = Path.GetFileName(path);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read();
            }
            catch (InvalidDataException e) when (e.Message.StartsWith(name + ":", StringComparison.Ordinal) || e.Message.StartsWith(name + " line ", StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{kind} seed {seed} ({how}): {e.GetType().Name}: {e.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > budget + (1 << 20))
            {
                failures.Add($"{kind} seed {seed} ({how}): allocated {allocated:N0} bytes for a file of {new FileInfo(path).Length:N0}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Iterations} mutated {kind} files went wrong:\n" + string.Join("\n", failures.Take(10)));
        Assert.True(refused > Iterations / 4, $"only {refused} of {Iterations} mutated {kind} files were refused: the mutations are too gentle");
    }

    /// <summary>What a mutation may write in a structured place: IDX header words, CSV characters, safetensors header bytes.</summary>
    private delegate (byte[] Content, string How) Structured(byte[] content, ref DeterministicRandom random);

    private static (byte[] Content, string How) Mutate(byte[] content, ref DeterministicRandom random, Structured? structured)
    {
        byte[] bytes = (byte[])content.Clone();
        switch (random.NextInt32(structured is null ? 5 : 7))
        {
            case 0:
                int flips = 1 + random.NextInt32(8);
                for (int f = 0; f < flips; f++)
                {
                    bytes[random.NextInt32(bytes.Length)] ^= (byte)(1 << random.NextInt32(8));
                }

                return (bytes, $"{flips} bit flips");
            case 1:
                int length = random.NextInt32(bytes.Length);
                return (bytes[..length], $"truncated to {length}");
            case 2:
                int at = random.NextInt32(bytes.Length + 1), count = 1 + random.NextInt32(16);
                byte[] inserted = new byte[count];
                for (int i = 0; i < count; i++)
                {
                    inserted[i] = (byte)random.NextInt32(256);
                }

                return ([.. bytes[..at], .. inserted, .. bytes[at..]], $"{count} bytes inserted at {at}");
            case 3:
                int from = random.NextInt32(bytes.Length), deleted = Math.Min(bytes.Length - from, 1 + random.NextInt32(64));
                return ([.. bytes[..from], .. bytes[(from + deleted)..]], $"{deleted} bytes deleted at {from}");
            case 4:
                int start = random.NextInt32(bytes.Length);
                byte[] special = [0x00, 0xFF, 0x7F, 0x80, (byte)random.NextInt32(256)];
                for (int i = start; i < Math.Min(bytes.Length, start + 1 + random.NextInt32(8)); i++)
                {
                    bytes[i] = special[random.NextInt32(special.Length)];
                }

                return (bytes, $"overwritten at {start}");
            default:
                return structured!(bytes, ref random);
        }
    }

    /// <summary>An IDX header word (magic, a dimension) set to an awkward value.</summary>
    private static (byte[] Content, string How) IdxFields(byte[] bytes, ref DeterministicRandom random)
    {
        int field = random.NextInt32(Math.Min(4, bytes.Length / 4));
        int[] values = [0, 1, -1, int.MaxValue, int.MinValue, 0x00000803, 0x00000801, 65536, random.NextInt32(1 << 30)];
        int value = values[random.NextInt32(values.Length)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * field), value);
        return (bytes, $"header word {field} = {value}");
    }

    /// <summary>A CSV character replaced by a separator, a quote, a line break, a sign, an exponent or a letter.</summary>
    private static (byte[] Content, string How) CsvCharacters(byte[] bytes, ref DeterministicRandom random)
    {
        const string awkward = ",\"\n\r;. -eEn\t\u00e9";
        byte[] replacement = Encoding.UTF8.GetBytes(awkward[random.NextInt32(awkward.Length)].ToString());
        int at = random.NextInt32(bytes.Length);
        return ([.. bytes[..at], .. replacement, .. bytes[(at + 1)..]], $"character {at} replaced");
    }

    /// <summary>The header length set to an awkward value, or a character of the JSON header replaced.</summary>
    private static (byte[] Content, string How) SafeTensorsFields(byte[] bytes, ref DeterministicRandom random)
    {
        long headerLength = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (random.NextInt32(3) == 0)
        {
            ulong[] values = [0, 1, 2, 7, (ulong)headerLength - 1, (ulong)headerLength + 1, (ulong)bytes.Length, ulong.MaxValue, 1UL << 40];
            ulong value = values[random.NextInt32(values.Length)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            return (bytes, $"header length = {value}");
        }

        const string awkward = "{}[]\":,0123456789-.eE aZ\\";
        int at = 8 + random.NextInt32((int)Math.Min(headerLength, bytes.Length - 8));
        byte value2 = random.NextInt32(8) == 0 ? (byte)(0x80 + random.NextInt32(128)) : (byte)awkward[random.NextInt32(awkward.Length)];
        bytes[at] = value2;
        return (bytes, $"header byte {at} = 0x{value2:X2}");
    }
}
