using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WeiPian.Engine.Output;

/// <summary>
/// Compresses rows of bytes (a PNG's filtered scanlines) into a zlib stream (RFC 1950) holding one dynamic-Huffman deflate
/// block (RFC 1951): a row equal to the row above is one back-reference to it, every other byte a literal coded by its
/// frequency in the image.
/// </summary>
/// <remarks>
/// Made for chips: a chip magnifies an image window about 2.7 times, so most of its rows repeat the one above and, Sub
/// filtered, most bytes of the others are zeros. zlib's own matching (zlib-ng, level 1) spent two fifths of the chips'
/// time looking for repeats this knows from the start, and its fixed codes spent 8 bits on each of those zeros: this
/// is about three times faster and its files a quarter smaller (bench/RESULTS.md § Chips).
/// </remarks>
internal static class RowDeflate
{
    private const int EndOfBlock = 256;
    private const int MaxDistance = 32768;
    private const int MaxMatch = 258;
    private const int MinMatch = 3;
    private const int Modulus = 65521; // Adler-32's

    // Deflate's length symbols 257..285 and distance symbols 0..29: the first length or distance of each, and its extra bits.
    private static ReadOnlySpan<ushort> LengthBase => [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
    private static ReadOnlySpan<byte> LengthExtra => [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    private static ReadOnlySpan<ushort> DistanceBase => [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
    private static ReadOnlySpan<byte> DistanceExtra => [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    // The order in which a dynamic block gives the lengths of the code-length code.
    private static ReadOnlySpan<byte> CodeLengthOrder => [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

    /// <summary>The most bytes <see cref="Compress"/> writes for <paramref name="length"/> bytes of rows.</summary>
    /// <remarks>
    /// A literal's code is 15 bits at most, a back-reference 48 bits for at least 3 bytes; the headers are under 400 bytes,
    /// and each store writes 8 bytes from where the last whole byte ended.
    /// </remarks>
    public static int MaxLength(int length) => 2 * length + 1024;

    /// <summary>
    /// Writes <paramref name="rows"/> (whole rows of <paramref name="rowBytes"/>) as a zlib stream into
    /// <paramref name="output"/> (at least <see cref="MaxLength"/> bytes); returns the bytes written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Compress(ReadOnlySpan<byte> rows, int rowBytes, Span<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowBytes, 1);
        if (rows.Length % rowBytes != 0) throw new ArgumentException($"{rows.Length} bytes are not whole rows of {rowBytes}.", nameof(rows));
        var height = rows.Length / rowBytes;
        // Deflate copies 3 bytes at least, from 32 kB back at most: rows shorter or longer than that are all literals.
        var copies = rowBytes is >= MinMatch and <= MaxDistance;
        Span<byte> repeats = height <= 4096 ? stackalloc byte[height] : new byte[height];
        Span<int> literalCounts = stackalloc int[286];
        Span<int> distanceCounts = stackalloc int[30];
        var (distanceSymbol, distanceBits, distanceValue) = Distance(copies ? rowBytes : 1);

        // The first pass counts the symbols and sums the Adler-32 checksum: a unique row byte by byte, a repeated row
        // from its sums kept (appending n bytes whose plain sum is a and sum of running sums b adds a to s1, and n·s1 + b to s2).
        Span<int> quarterCounts = stackalloc int[4 * 256];
        ulong s1 = 1, s2 = 0, rowSum = 0, rowRunning = 0;
        for (var y = 0; y < height; y++)
        {
            var row = rows.Slice(y * rowBytes, rowBytes);
            if (copies && y > 0 && row.SequenceEqual(rows.Slice((y - 1) * rowBytes, rowBytes)))
            {
                repeats[y] = 1;
                for (var left = rowBytes; left > 0; left -= Piece(left))
                {
                    literalCounts[Length(Piece(left)).Symbol]++;
                    distanceCounts[distanceSymbol]++;
                }
            }
            else
            {
                (rowSum, rowRunning) = CountAndSum(row, quarterCounts);
            }
            s2 = (s2 + (ulong)rowBytes * s1 + rowRunning) % Modulus;
            s1 = (s1 + rowSum) % Modulus;
        }
        for (var b = 0; b < 256; b++) literalCounts[b] = quarterCounts[b] + quarterCounts[256 + b] + quarterCounts[512 + b] + quarterCounts[768 + b];
        literalCounts[EndOfBlock] = 1;
        // The distance code needs two symbols, even unused (zlib's rule: some decoders refuse a code of one).
        if (distanceCounts[0] == 0) distanceCounts[0] = 1;
        if (distanceCounts[1] == 0) distanceCounts[1] = 1;

        Span<byte> lengths = stackalloc byte[286 + 30];
        var literalLengths = lengths[..286];
        var distanceLengths = lengths[286..];
        HuffmanCode.Lengths(literalCounts, 15, literalLengths);
        HuffmanCode.Lengths(distanceCounts, 15, distanceLengths);
        Span<uint> literalCodes = stackalloc uint[286];
        Span<uint> distanceCodes = stackalloc uint[30];
        HuffmanCode.Codes(literalLengths, literalCodes);
        HuffmanCode.Codes(distanceLengths, distanceCodes);
        Span<uint> literalTable = stackalloc uint[256]; // a byte's code, its length in the top byte
        for (var b = 0; b < 256; b++) literalTable[b] = literalCodes[b] | (uint)literalLengths[b] << 24;

        var bits = new BitWriter(output);
        bits.Write(0x78, 8); // deflate, 32 kB window
        bits.Write(0x01, 8); // fastest, no dictionary: 0x7801 % 31 == 0
        bits.Write(1, 1);    // the final block
        bits.Write(2, 2);    // dynamic Huffman codes
        WriteCodeLengths(ref bits, literalLengths, distanceLengths);

        for (var y = 0; y < height; y++)
        {
            if (repeats[y] == 0)
            {
                bits.WriteLiterals(rows.Slice(y * rowBytes, rowBytes), literalTable);
                continue;
            }
            // The row above again: back-references one row back, in pieces of 3 to 258 bytes.
            for (var left = rowBytes; left > 0; left -= Piece(left))
            {
                var (symbol, extraBits, extra) = Length(Piece(left));
                bits.Write(literalCodes[symbol], literalLengths[symbol]);
                bits.Write(extra, extraBits);
                bits.Write(distanceCodes[distanceSymbol], distanceLengths[distanceSymbol]);
                bits.Write(distanceValue, distanceBits);
            }
        }
        bits.Write(literalCodes[EndOfBlock], literalLengths[EndOfBlock]);
        var written = bits.Flush();
        BinaryPrimitives.WriteUInt32BigEndian(output[written..], (uint)(s2 << 16 | s1));
        return written + 4;
    }

    // Adds each byte of row to its bin in one of four histograms by its place (one histogram would wait on its own
    // increments where equal bytes follow each other, as zeros do); the row's sum and sum of running sums, both modulo
    // Adler-32's.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong Sum, ulong Running) CountAndSum(ReadOnlySpan<byte> row, Span<int> quarterCounts)
    {
        var counts0 = quarterCounts[..256];
        var counts1 = quarterCounts[256..512];
        var counts2 = quarterCounts[512..768];
        var counts3 = quarterCounts[768..];
        ulong sum = 0, running = 0;
        var i = 0;
        for (; i + 4 <= row.Length; i += 4)
        {
            uint b0 = row[i], b1 = row[i + 1], b2 = row[i + 2], b3 = row[i + 3];
            counts0[(int)b0]++;
            counts1[(int)b1]++;
            counts2[(int)b2]++;
            counts3[(int)b3]++;
            // Four steps of sum += b, running += sum at once.
            running += 4 * sum + 4 * b0 + 3 * b1 + 2 * b2 + b3;
            sum += b0 + b1 + b2 + b3;
        }
        for (; i < row.Length; i++)
        {
            counts0[row[i]]++;
            sum += row[i];
            running += sum;
        }
        return (sum % Modulus, running % Modulus);
    }

    // The next piece of a copy of left bytes still to go: 258 at most, and none left under 3.
    private static int Piece(int left) => left <= MaxMatch ? left : left - MaxMatch < MinMatch ? left - MinMatch : MaxMatch;

    // The length symbol of a back-reference of length bytes (3..258), its extra bits and their value.
    private static (int Symbol, int ExtraBits, uint Extra) Length(int length) => LengthCodes[length];

    private static readonly (int Symbol, int ExtraBits, uint Extra)[] LengthCodes = BuildLengthCodes();

    private static (int, int, uint)[] BuildLengthCodes()
    {
        var codes = new (int, int, uint)[MaxMatch + 1];
        for (var length = MinMatch; length <= MaxMatch; length++)
        {
            var i = LengthBase.Length - 1;
            while (LengthBase[i] > length) i--;
            codes[length] = (257 + i, LengthExtra[i], (uint)(length - LengthBase[i]));
        }
        return codes;
    }

    // The distance symbol of a back-reference distance bytes back, its extra bits and their value.
    private static (int Symbol, int ExtraBits, uint Extra) Distance(int distance)
    {
        var i = DistanceBase.Length - 1;
        while (DistanceBase[i] > distance) i--;
        return (i, DistanceExtra[i], (uint)(distance - DistanceBase[i]));
    }

    // HLIT, HDIST and HCLEN, the code-length code, then both codes' lengths in it: runs of a length repeated (symbol 16,
    // 3-6 times after the length itself) and of zeros (17: 3-10, 18: 11-138) shortened.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteCodeLengths(ref BitWriter bits, scoped ReadOnlySpan<byte> literalLengths, scoped ReadOnlySpan<byte> distanceLengths)
    {
        var literals = 286;
        while (literals > 257 && literalLengths[literals - 1] == 0) literals--;
        var distances = 30;
        while (distances > 1 && distanceLengths[distances - 1] == 0) distances--;
        Span<byte> all = stackalloc byte[literals + distances];
        literalLengths[..literals].CopyTo(all);
        distanceLengths[..distances].CopyTo(all[literals..]);

        // (symbol, extra) pairs of the run-length coded lengths.
        Span<(byte Symbol, byte Extra)> coded = stackalloc (byte, byte)[all.Length];
        Span<int> counts = stackalloc int[19];
        var n = 0;
        for (var i = 0; i < all.Length;)
        {
            var value = all[i];
            var run = 1;
            while (i + run < all.Length && all[i + run] == value) run++;
            var left = run;
            if (value == 0)
            {
                while (left >= 11) { var r = Math.Min(left, 138); coded[n++] = (18, (byte)(r - 11)); left -= r; }
                if (left >= 3) { coded[n++] = (17, (byte)(left - 3)); left = 0; }
            }
            else
            {
                coded[n++] = (value, 0);
                left--;
                while (left >= 3) { var r = Math.Min(left, 6); coded[n++] = (16, (byte)(r - 3)); left -= r; }
            }
            for (; left > 0; left--) coded[n++] = (value, 0);
            i += run;
        }
        foreach (var (symbol, _) in coded[..n]) counts[symbol]++;
        Span<byte> codeLengths = stackalloc byte[19];
        Span<uint> codes = stackalloc uint[19];
        HuffmanCode.Lengths(counts, 7, codeLengths);
        HuffmanCode.Codes(codeLengths, codes);
        var sent = 19;
        while (sent > 4 && codeLengths[CodeLengthOrder[sent - 1]] == 0) sent--;

        bits.Write((uint)(literals - 257), 5);
        bits.Write((uint)(distances - 1), 5);
        bits.Write((uint)(sent - 4), 4);
        for (var i = 0; i < sent; i++) bits.Write(codeLengths[CodeLengthOrder[i]], 3);
        foreach (var (symbol, extra) in coded[..n])
        {
            bits.Write(codes[symbol], codeLengths[symbol]);
            if (symbol >= 16) bits.Write(extra, symbol == 16 ? 2 : symbol == 17 ? 3 : 7);
        }
    }

    // Bits packed from each byte's lowest bit on, as deflate stores them. Branch-free: each step stores all 8 bytes of
    // what is pending and moves on by the whole bytes among them, so under 8 bits stay pending between steps (a branch
    // on "32 bits pending yet?" went the other way every few codes, and its mispredictions set the pace).
    private ref struct BitWriter(Span<byte> output)
    {
        private readonly Span<byte> _output = output;
        private int _at;
        private ulong _pending;
        private int _count;

        // At most 32 bits a call.
        public void Write(uint value, int bits)
        {
            _pending |= (ulong)value << _count;
            _count += bits;
            Store(_output, ref _at, ref _pending, ref _count);
        }

        // Each byte's code from table (256 entries: the code, its length in the top byte), three to a store: codes are
        // 15 bits at most, and 7 pending + 45 fit in 64. In locals rather than the fields; the table read unchecked (a
        // byte indexes 256 entries).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void WriteLiterals(scoped ReadOnlySpan<byte> bytes, scoped ReadOnlySpan<uint> table)
        {
            if (table.Length != 256) throw new ArgumentException("A literal table has 256 entries.", nameof(table));
            ref var codes = ref MemoryMarshal.GetReference(table);
            var (pending, count, at) = (_pending, _count, _at);
            var output = _output;
            var i = 0;
            for (; i + 3 <= bytes.Length; i += 3)
            {
                var first = Unsafe.Add(ref codes, bytes[i]);
                var second = Unsafe.Add(ref codes, bytes[i + 1]);
                var third = Unsafe.Add(ref codes, bytes[i + 2]);
                pending |= (ulong)(first & 0xFFFFFF) << count;
                count += (int)(first >> 24);
                pending |= (ulong)(second & 0xFFFFFF) << count;
                count += (int)(second >> 24);
                pending |= (ulong)(third & 0xFFFFFF) << count;
                count += (int)(third >> 24);
                Store(output, ref at, ref pending, ref count);
            }
            (_pending, _count, _at) = (pending, count, at);
            for (; i < bytes.Length; i++)
            {
                var code = table[bytes[i]];
                Write(code & 0xFFFFFF, (int)(code >> 24));
            }
        }

        // Writes what is pending, padded to a whole byte; the bytes written in all.
        public int Flush()
        {
            if (_count > 0) _output[_at++] = (byte)_pending;
            _count = 0;
            return _at;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Span<byte> output, ref int at, ref ulong pending, ref int count)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output[at..], pending);
            var whole = count >> 3;
            at += whole;
            pending >>= whole << 3;
            count &= 7;
        }
    }
}
