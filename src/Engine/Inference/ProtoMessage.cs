using System.Buffers.Binary;
using System.Text;

namespace WeiPian.Engine.Inference;

/// <summary>
/// A protocol-buffers message kept as its wire fields, in file order, so that an ONNX graph can be edited
/// without generated classes: fields nobody touches are written back byte for byte, nested messages are
/// parsed only when asked for.
/// </summary>
/// <remarks>Only what the ONNX rewrites need: varints, length-delimited fields (strings, bytes, messages,
/// packed arrays), fixed 32- and 64-bit values. Groups (wire types 3 and 4) are not used by ONNX and are refused.</remarks>
internal sealed class ProtoMessage
{
    private readonly List<ProtoField> _fields;

    public ProtoMessage() => _fields = [];

    private ProtoMessage(List<ProtoField> fields) => _fields = fields;

    /// <summary>Parses one message's fields; nested messages stay bytes until <see cref="Messages"/> reads them.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a protocol-buffers message.</exception>
    public static ProtoMessage Parse(ReadOnlyMemory<byte> bytes)
    {
        var fields = new List<ProtoField>();
        var span = bytes.Span;
        var at = 0;
        while (at < span.Length)
        {
            var key = ReadVarint(span, ref at);
            var number = (int)(key >> 3);
            var wire = (WireType)(key & 7);
            if (number <= 0) throw new InvalidDataException($"Field number {number} at byte {at}.");
            switch (wire)
            {
                case WireType.Varint:
                    fields.Add(new ProtoField(number, wire) { Value = ReadVarint(span, ref at) });
                    break;
                case WireType.Fixed64:
                    Need(span, at, 8);
                    fields.Add(new ProtoField(number, wire) { Value = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]) });
                    at += 8;
                    break;
                case WireType.Fixed32:
                    Need(span, at, 4);
                    fields.Add(new ProtoField(number, wire) { Value = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]) });
                    at += 4;
                    break;
                case WireType.LengthDelimited:
                    var length = ReadVarint(span, ref at);
                    if (length > (ulong)(span.Length - at)) throw new InvalidDataException($"Field {number} claims {length} bytes at byte {at}; {span.Length - at} remain.");
                    fields.Add(new ProtoField(number, wire) { Bytes = bytes.Slice(at, (int)length) });
                    at += (int)length;
                    break;
                default:
                    throw new InvalidDataException($"Field {number} has wire type {(int)wire}, which ONNX does not use.");
            }
        }
        return new ProtoMessage(fields);
    }

    /// <summary>The message's bytes, nested edits included.</summary>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>The nested messages in field <paramref name="number"/>, parsed once and then kept, so edits to them are written back.</summary>
    public IEnumerable<ProtoMessage> Messages(int number)
    {
        foreach (var f in _fields)
            if (f.Number == number && f.Wire == WireType.LengthDelimited)
                yield return f.Message ??= Parse(f.Bytes);
    }

    /// <summary>The first nested message in field <paramref name="number"/>, or null.</summary>
    public ProtoMessage? Message(int number) => Messages(number).FirstOrDefault();

    /// <summary>The first varint in field <paramref name="number"/>, or null.</summary>
    public long? Varint(int number)
    {
        foreach (var f in _fields)
            if (f.Number == number && f.Wire == WireType.Varint) return (long)f.Value;
        return null;
    }

    /// <summary>The first length-delimited value in field <paramref name="number"/>, or empty.</summary>
    public ReadOnlyMemory<byte> Bytes(int number)
    {
        foreach (var f in _fields)
            if (f.Number == number && f.Wire == WireType.LengthDelimited) return f.Message?.ToArray() ?? f.Bytes;
        return ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>The first string in field <paramref name="number"/>, or null.</summary>
    public string? String(int number) => Has(number) ? Encoding.UTF8.GetString(Bytes(number).Span) : null;

    /// <summary>Every string in the repeated field <paramref name="number"/>.</summary>
    public IEnumerable<string> Strings(int number)
    {
        foreach (var f in _fields)
            if (f.Number == number && f.Wire == WireType.LengthDelimited) yield return Encoding.UTF8.GetString(f.Bytes.Span);
    }

    /// <summary>Every value of a repeated fixed 32-bit field, packed or not (how ONNX stores float_data).</summary>
    public IEnumerable<uint> Fixed32s(int number)
    {
        foreach (var f in _fields)
        {
            if (f.Number != number) continue;
            if (f.Wire == WireType.Fixed32)
            {
                yield return (uint)f.Value;
                continue;
            }
            if (f.Wire != WireType.LengthDelimited) continue;
            for (var i = 0; i + 4 <= f.Bytes.Length; i += 4)
                yield return BinaryPrimitives.ReadUInt32LittleEndian(f.Bytes.Span[i..]);
        }
    }

    /// <summary>True when field <paramref name="number"/> is present.</summary>
    public bool Has(int number) => _fields.Exists(f => f.Number == number);

    /// <summary>Rewrites every string of the repeated field <paramref name="number"/> in place.</summary>
    public void MapStrings(int number, Func<string, string> map)
    {
        foreach (var f in _fields)
        {
            if (f.Number != number || f.Wire != WireType.LengthDelimited) continue;
            var old = Encoding.UTF8.GetString(f.Bytes.Span);
            var now = map(old);
            if (!ReferenceEquals(old, now) && old != now) f.Bytes = Encoding.UTF8.GetBytes(now);
        }
    }

    /// <summary>Sets field <paramref name="number"/> to one varint: the first occurrence is replaced, later ones removed.</summary>
    public void SetVarint(int number, long value) => Set(new ProtoField(number, WireType.Varint) { Value = (ulong)value });

    /// <summary>Sets field <paramref name="number"/> to one length-delimited value.</summary>
    public void SetBytes(int number, ReadOnlyMemory<byte> value) => Set(new ProtoField(number, WireType.LengthDelimited) { Bytes = value });

    /// <summary>Appends a string to field <paramref name="number"/>.</summary>
    public void AddString(int number, string value) =>
        _fields.Add(new ProtoField(number, WireType.LengthDelimited) { Bytes = Encoding.UTF8.GetBytes(value) });

    /// <summary>Appends a varint to field <paramref name="number"/>.</summary>
    public void AddVarint(int number, long value) => _fields.Add(new ProtoField(number, WireType.Varint) { Value = (ulong)value });

    /// <summary>Appends a nested message to field <paramref name="number"/>, after the field's last occurrence (keeps a list together).</summary>
    public void AddMessage(int number, ProtoMessage message)
    {
        var at = _fields.FindLastIndex(f => f.Number == number) + 1;
        _fields.Insert(at == 0 ? _fields.Count : at, new ProtoField(number, WireType.LengthDelimited) { Message = message });
    }

    /// <summary>Inserts a nested message into field <paramref name="number"/> just before <paramref name="anchor"/> (one of this message's nested messages), or before the field's first occurrence when the anchor is null.</summary>
    public void InsertMessage(int number, ProtoMessage message, ProtoMessage? anchor)
    {
        var at = anchor is null ? _fields.FindIndex(f => f.Number == number) : _fields.FindIndex(f => ReferenceEquals(f.Message, anchor));
        _fields.Insert(at < 0 ? _fields.Count : at, new ProtoField(number, WireType.LengthDelimited) { Message = message });
    }

    /// <summary>Removes every occurrence of field <paramref name="number"/>.</summary>
    public void Remove(int number) => _fields.RemoveAll(f => f.Number == number);

    private void Set(ProtoField field)
    {
        var at = _fields.FindIndex(f => f.Number == field.Number);
        _fields.RemoveAll(f => f.Number == field.Number);
        _fields.Insert(at < 0 ? _fields.Count : at, field);
    }

    private void WriteTo(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[10];
        foreach (var f in _fields)
        {
            WriteVarint(stream, ((ulong)f.Number << 3) | (ulong)f.Wire, scratch);
            switch (f.Wire)
            {
                case WireType.Varint:
                    WriteVarint(stream, f.Value, scratch);
                    break;
                case WireType.Fixed64:
                    BinaryPrimitives.WriteUInt64LittleEndian(scratch, f.Value);
                    stream.Write(scratch[..8]);
                    break;
                case WireType.Fixed32:
                    BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)f.Value);
                    stream.Write(scratch[..4]);
                    break;
                default:
                    var bytes = f.Message is { } m ? m.ToArray() : f.Bytes;
                    WriteVarint(stream, (ulong)bytes.Length, scratch);
                    stream.Write(bytes.Span);
                    break;
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            Need(span, at, 1);
            var b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"Varint longer than 10 bytes before byte {at}.");
    }

    private static void WriteVarint(Stream stream, ulong value, Span<byte> scratch)
    {
        var n = 0;
        while (value >= 0x80)
        {
            scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        scratch[n++] = (byte)value;
        stream.Write(scratch[..n]);
    }

    private static void Need(ReadOnlySpan<byte> span, int at, int count)
    {
        if (span.Length - at < count) throw new InvalidDataException($"The message ends at byte {span.Length}, inside a field that needs {count} more bytes from byte {at}.");
    }

    private enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        LengthDelimited = 2,
        Fixed32 = 5,
    }

    private sealed class ProtoField(int number, WireType wire)
    {
        public int Number { get; } = number;
        public WireType Wire { get; } = wire;
        public ulong Value { get; init; }
        public ReadOnlyMemory<byte> Bytes { get; set; }
        public ProtoMessage? Message { get; set; }
    }
}
