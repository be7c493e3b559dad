using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NetGen.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> pixels.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Height of an image.</param>
/// <param name="Columns">Width of an image.</param>
/// <param name="Pixels">Every image row after row, each pixel scaled from [0, 255] to [0, 1].</param>
public sealed record IdxImages(int Count, int Rows, int Columns, float[] Pixels)
{
    /// <summary>Pixels per image.</summary>
    public int ImageSize => Rows * Columns;
}

/// <summary>
/// Reads the IDX format of the MNIST files (LeCun et al.): a big-endian magic number 0x00000803 for
/// unsigned-byte images or 0x00000801 for labels, the dimensions as big-endian 32-bit integers, then
/// the data. Reads gzip-compressed files (<c>.gz</c>, recognised by their content) and raw files alike.
/// </summary>
/// <remarks>
/// Every problem is an <see cref="InvalidDataException"/> that names the file. A header is checked
/// against the data before anything large is allocated: the length of a raw file is known, and a
/// compressed file's destination grows only as data actually arrives, so a header that lies costs
/// at most twice the real data.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images (3 dimensions).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned-byte labels (1 dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest number of values one file may hold: what a float array can index.</summary>
    public const long MaxValues = 0x7FFFFFC7; // Array.MaxLength

    /// <summary>b / 255 for every byte b, correctly rounded (as PyTorch's ToTensor computes it).</summary>
    private static readonly float[] s_byteOver255 = CreateByteOver255();

    /// <summary>Reads an IDX file of images and scales each pixel to [0, 1].</summary>
    /// <exception cref="InvalidDataException">The file is not a valid IDX image file.</exception>
    public static IdxImages ReadImages(string path)
    {
        using var file = IdxFile.Open(path);
        return ReadImages(file);
    }

    /// <summary>
    /// Reads IDX images from <paramref name="stream"/>, such as an embedded resource, and scales each pixel to
    /// [0, 1]. The stream must be seekable (its length is checked against the header); it is left open.
    /// </summary>
    /// <param name="stream">The file's bytes, raw or gzip-compressed, from its start.</param>
    /// <param name="name">The name errors give the data by.</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX image file.</exception>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        using var file = new IdxFile(stream, name, ownsStream: false);
        return ReadImages(file);
    }

    private static IdxImages ReadImages(IdxFile file)
    {
        int[] dimensions = file.ReadHeader(ImagesMagic, "images", 3);
        long values = file.ValueCount(dimensions, "pixel");
        float[] pixels = file.ReadBytes<float>(values, "pixel", static (source, destination) =>
        {
            ReadOnlySpan<float> scaled = s_byteOver255;
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = scaled[source[i]];
            }
        });
        return new IdxImages(dimensions[0], dimensions[1], dimensions[2], pixels);
    }

    /// <summary>Reads an IDX file of labels.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid IDX label file.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var file = IdxFile.Open(path);
        return ReadLabels(file);
    }

    /// <summary>Reads IDX labels from <paramref name="stream"/>, which must be seekable; it is left open.</summary>
    /// <param name="stream">The file's bytes, raw or gzip-compressed, from its start.</param>
    /// <param name="name">The name errors give the data by.</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX label file.</exception>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        using var file = new IdxFile(stream, name, ownsStream: false);
        return ReadLabels(file);
    }

    private static byte[] ReadLabels(IdxFile file)
    {
        int[] dimensions = file.ReadHeader(LabelsMagic, "labels", 1);
        return file.ReadBytes<byte>(dimensions[0], "label", static (source, destination) => source.CopyTo(destination));
    }

    private static float[] CreateByteOver255()
    {
        var table = new float[256];
        for (int b = 0; b < table.Length; b++)
        {
            table[b] = b / 255f;
        }

        return table;
    }

    /// <summary>One open IDX file, raw or gzip-compressed.</summary>
    private sealed class IdxFile : IDisposable
    {
        private const int ChunkSize = 1 << 16;
        /// <summary>A compressed file's destination starts at this many times the compressed size (MNIST's ratio is about 5), then doubles as data arrives.</summary>
        private const int InitialExpansion = 8;

        private readonly string _name;
        private readonly Stream _file;
        private readonly Stream _stream;
        private readonly bool _compressed;
        private readonly bool _ownsStream;

        public IdxFile(Stream file, string name, bool ownsStream)
        {
            ArgumentNullException.ThrowIfNull(file);
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (!file.CanSeek || !file.CanRead)
            {
                throw new ArgumentException("IDX data is read from a readable, seekable stream (its length is checked against the header).", nameof(file));
            }

            _name = name;
            _file = file;
            _ownsStream = ownsStream;
            long start = file.Position;
            Span<byte> signature = stackalloc byte[2];
            int read = _file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            _file.Position = start;
            _compressed = read == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
            _stream = _compressed ? new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true) : _file;
        }

        public static IdxFile Open(string path) =>
            new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize), Path.GetFileName(path), ownsStream: true);

        public int[] ReadHeader(int expectedMagic, string kind, int expectedDimensions)
        {
            Span<byte> word = stackalloc byte[4];
            ReadExactly(word, "the magic number");
            int magic = BinaryPrimitives.ReadInt32BigEndian(word);
            if (magic != expectedMagic)
            {
                string hint = magic is ImagesMagic or LabelsMagic
                    ? $" (that is an IDX {(magic == ImagesMagic ? "images" : "labels")} file)"
                    : " (not an IDX file of unsigned bytes)";
                throw Error($"magic number is 0x{magic:X8}{hint}, expected 0x{expectedMagic:X8} for IDX {kind}");
            }

            var dimensions = new int[expectedDimensions];
            for (int d = 0; d < expectedDimensions; d++)
            {
                ReadExactly(word, $"dimension {d + 1} of {expectedDimensions}");
                dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (dimensions[d] < 0 || (d > 0 && dimensions[d] == 0))
                {
                    throw Error($"dimension {d + 1} is {dimensions[d]}, which is not a valid size");
                }
            }

            return dimensions;
        }

        /// <summary>The product of the dimensions, refused when it is more than an array can hold (and before it could overflow).</summary>
        public long ValueCount(int[] dimensions, string what)
        {
            long count = 1;
            foreach (int d in dimensions)
            {
                // every d is at most int.MaxValue and count at most MaxValues, so the product fits a long
                count *= d;
                if (count > MaxValues)
                {
                    throw Error($"header's dimensions [{string.Join(", ", dimensions)}] make more {what} values than an array can hold: more than {MaxValues:N0}");
                }
            }

            return count;
        }

        /// <summary>Reads <paramref name="count"/> data bytes and converts them into a new array, chunk by chunk; the file must end there.</summary>
        public T[] ReadBytes<T>(long count, string what, ConvertChunk<T> convert)
        {
            if (count > MaxValues)
            {
                throw Error($"header declares {count:N0} {what} values, more than the {MaxValues:N0} an array can hold");
            }

            long available = _file.Length - _file.Position;
            if (!_compressed && available < count)
            {
                throw Error($"header declares {count:N0} {what} bytes, but the file holds only {available:N0} after its header (truncated file?)");
            }

            if (!_compressed && available > count)
            {
                throw Error($"header declares {count:N0} {what} bytes, but the file holds {available:N0} after its header (extra data, or a header that is wrong?)");
            }

            var destination = new T[Math.Min(count, _compressed ? (InitialExpansion * _file.Length) + ChunkSize : count)];
            byte[] chunk = new byte[ChunkSize];
            long done = 0;
            while (done < count)
            {
                int want = (int)Math.Min(ChunkSize, count - done);
                int got = Read(chunk.AsSpan(0, want));
                if (got < want)
                {
                    throw Error($"data ends after {done + got:N0} of the {count:N0} {what} bytes its header declares (truncated file?)");
                }

                if (done + got > destination.Length)
                {
                    Array.Resize(ref destination, (int)Math.Min(count, Math.Max(done + got, 2L * destination.Length)));
                }

                convert(chunk.AsSpan(0, got), destination.AsSpan((int)done, got));
                done += got;
            }

            if (_compressed && Read(chunk.AsSpan(0, 1)) > 0)
            {
                throw Error($"the data goes on past the {count:N0} {what} bytes its header declares (extra data, or a header that is wrong?)");
            }

            return destination;
        }

        private void ReadExactly(Span<byte> buffer, string what)
        {
            if (Read(buffer) < buffer.Length)
            {
                throw Error($"file ends before {what} (truncated or empty file?)");
            }
        }

        /// <summary>Fills <paramref name="buffer"/> unless the data ends first; returns the number of bytes read.</summary>
        private int Read(Span<byte> buffer)
        {
            try
            {
                return _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw Error("the gzip data is corrupt: " + e.Message.TrimEnd('.'), e);
            }
        }

        private InvalidDataException Error(string problem, Exception? inner = null) => new($"{_name}: {problem}.", inner);

        public void Dispose()
        {
            if (_compressed)
            {
                _stream.Dispose();
            }

            if (_ownsStream)
            {
                _file.Dispose();
            }
        }
    }

    private delegate void ConvertChunk<T>(ReadOnlySpan<byte> source, Span<T> destination);
}
