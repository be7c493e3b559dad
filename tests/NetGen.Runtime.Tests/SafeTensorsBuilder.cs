using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace NetGen.Runtime.Tests;

/// <summary>Writes safetensors files by hand, so tests can make every kind of broken one.</summary>
internal sealed class SafeTensorsBuilder
{
    private readonly List<Entry> _entries = [];

    private sealed record Entry(string Name, long[] Shape, float[] Values)
    {
        public string DType { get; set; } = "F32";

        public (long Begin, long End)? Offsets { get; set; }
    }

    public void Add(string name, long[] shape, float[] values) => _entries.Add(new Entry(name, shape, values));

    public void Remove(string name) => _entries.RemoveAll(e => e.Name == name);

    public void Replace(string name, string? dtype = null, long[]? shape = null, (long, long)? offsets = null)
    {
        Entry old = _entries.Single(e => e.Name == name);
        var entry = new Entry(name, shape ?? old.Shape, old.Values) { DType = dtype ?? old.DType, Offsets = offsets ?? old.Offsets };
        _entries[_entries.IndexOf(old)] = entry;
    }

    public byte[] Build(long? headerLengthOverride = null, string? jsonOverride = null, string? gapBefore = null, string? jsonMetadata = null)
    {
        var json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"" + (jsonMetadata is null ? string.Empty : "," + jsonMetadata) + "}");
        var data = new List<byte>();
        foreach (Entry entry in _entries)
        {
            if (entry.Name == gapBefore)
            {
                data.AddRange(new byte[8]);
            }

            long begin = data.Count;
            data.AddRange(MemoryMarshal.AsBytes(entry.Values.AsSpan()).ToArray());
            (long b, long e) = entry.Offsets ?? (begin, data.Count);
            json.Append($",\"{entry.Name}\":{{\"dtype\":\"{entry.DType}\",\"shape\":[{string.Join(",", entry.Shape)}],\"data_offsets\":[{b},{e}]}}");
        }

        json.Append('}');
        byte[] header = Encoding.UTF8.GetBytes(jsonOverride ?? json.ToString());
        byte[] length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(headerLengthOverride ?? header.Length));
        return [.. length, .. header, .. data];
    }
}
