using System.IO.Compression;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// The chips' deflate of their own must give zlib streams that zlib (zlib-ng, through .NET) inflates to the same rows
/// and whose Adler-32 it accepts, whatever the rows; and its Huffman codes must be complete, within their length limit
/// and as short as an unlimited Huffman code where the limit does not bind.
/// </summary>
public class RowDeflateTests
{
    public static TheoryData<string, int, int> Shapes => new()
    {
        { "noise", 769, 40 },           // a reduced chip: no row repeats
        { "magnified", 769, 256 },      // a magnified chip: rows repeat two or three times
        { "one row", 769, 1 },
        { "one byte rows", 1, 50 },     // too short to copy: literals
        { "two byte rows", 2, 50 },
        { "three byte rows", 3, 200 },  // copies of exactly 3 bytes
        { "widest copied", 32768, 3 },  // copies from exactly 32 kB back
        { "too wide to copy", 32769, 3 },
        { "zeros", 400, 30 },           // one byte value: a literal code of two symbols with the end of block
        { "skewed", 1024, 128 },        // counts that make an unlimited Huffman code deeper than 15 bits
        { "pieces", 259, 20 },          // copies of 259 and 260 bytes: split so that no piece is under 3
        { "pieces", 260, 20 },
        { "pieces", 516, 20 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ZlibInflatesItToTheSameRows(string shape, int rowBytes, int height)
    {
        var rows = Rows(shape, rowBytes, height);
        if (shape == "skewed")
            Assert.True(HuffmanCost([.. Enumerable.Range(0, 256).Select(b => rows.Count(v => v == b))]).Depth > 15);
        var compressed = new byte[RowDeflate.MaxLength(rows.Length)];
        var length = RowDeflate.Compress(rows, rowBytes, compressed);
        Assert.Equal(rows, Inflate(compressed.AsSpan(0, length).ToArray(), rows.Length));
    }

    [Fact]
    public void ARepeatedRowCostsAFewBytes()
    {
        var rows = Rows("noise", 769, 1);
        var repeated = Enumerable.Repeat(rows, 100).SelectMany(r => r).ToArray();
        var compressed = new byte[RowDeflate.MaxLength(repeated.Length)];
        var one = RowDeflate.Compress(rows, 769, compressed);
        var hundred = RowDeflate.Compress(repeated, 769, compressed);
        Assert.True(hundred - one < 99 * 8, $"100 rows {hundred} bytes, one {one}");
        Assert.Equal(repeated, Inflate(compressed.AsSpan(0, hundred).ToArray(), repeated.Length));
    }

    [Fact]
    public void LengthsMatchAnUnlimitedHuffmanCodeWhereTheLimitDoesNotBind()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 200; trial++)
        {
            var counts = Enumerable.Range(0, random.Next(2, 287)).Select(_ => random.Next(4) == 0 ? 0 : random.Next(1, 5000)).ToArray();
            if (counts.Count(c => c > 0) < 2) continue;
            var lengths = new byte[counts.Length];
            HuffmanCode.Lengths(counts, 15, lengths);
            var (reference, depth) = HuffmanCost(counts);
            if (depth > 15) continue;
            Assert.Equal(reference, counts.Zip(lengths, (c, l) => (long)c * l).Sum());
            AssertComplete(counts, lengths, 15);
        }
    }

    [Theory]
    [InlineData(15)]
    [InlineData(7)]
    public void LengthsStayWithinTheLimitAndTheCodeIsComplete(int limit)
    {
        // Fibonacci counts: an unlimited Huffman code nearly as deep as there are symbols.
        var counts = new int[30];
        counts[0] = counts[1] = 1;
        for (var i = 2; i < counts.Length; i++) counts[i] = counts[i - 1] + counts[i - 2];
        Assert.True(HuffmanCost(counts).Depth > limit);
        var lengths = new byte[counts.Length];
        HuffmanCode.Lengths(counts, limit, lengths);
        AssertComplete(counts, lengths, limit);
    }

    [Fact]
    public void CodesArePrefixFreeAndCanonical()
    {
        byte[] lengths = [3, 3, 3, 3, 3, 2, 4, 4]; // RFC 1951 §3.2.2's example: F = 00, A = 010, ..., G = 1110, H = 1111
        var codes = new uint[lengths.Length];
        HuffmanCode.Codes(lengths, codes);
        uint[] rfc = [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111];
        Assert.Equal(rfc.Select((c, i) => HuffmanCode.Reverse(c, lengths[i])), codes);
    }

    [Fact]
    public void ALoneSymbolGetsOneBit()
    {
        var lengths = new byte[5];
        HuffmanCode.Lengths([0, 0, 7, 0, 0], 15, lengths);
        Assert.Equal(new byte[] { 0, 0, 1, 0, 0 }, lengths);
    }

    private static byte[] Rows(string shape, int rowBytes, int height)
    {
        var random = new Random(rowBytes * 31 + height);
        var rows = new byte[rowBytes * height];
        switch (shape)
        {
            case "zeros":
                break;
            case "magnified":
                for (var y = 0; y < height; y++)
                {
                    if (y % 8 is 1 or 2 or 4 or 5 or 7) rows.AsSpan((y - 1) * rowBytes, rowBytes).CopyTo(rows.AsSpan(y * rowBytes));
                    else for (var x = 0; x < rowBytes; x++) rows[y * rowBytes + x] = x % 8 < 3 ? (byte)random.Next(256) : (byte)0;
                }
                break;
            case "skewed":
                // Byte b 2^b times (byte 0 once more), shuffled: each byte one bit deeper in an unlimited Huffman code.
                for (int b = 0, at = 1; b <= 16; b++)
                    for (var k = 0; k < 1 << b; k++) rows[at++] = (byte)b;
                random.Shuffle(rows);
                break;
            case "pieces":
                random.NextBytes(rows.AsSpan(0, rowBytes));
                for (var y = 1; y < height; y++)
                    if (y % 5 != 0) rows.AsSpan((y - 1) * rowBytes, rowBytes).CopyTo(rows.AsSpan(y * rowBytes));
                    else random.NextBytes(rows.AsSpan(y * rowBytes, rowBytes));
                break;
            default:
                random.NextBytes(rows);
                for (var y = 1; y < height; y += 3) rows.AsSpan((y - 1) * rowBytes, rowBytes).CopyTo(rows.AsSpan(y * rowBytes));
                break;
        }
        return rows;
    }

    // zlib-ng checks the header, the codes and the Adler-32 at the end; a stream longer or shorter than the rows fails.
    private static byte[] Inflate(byte[] compressed, int length)
    {
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var rows = new byte[length];
        zlib.ReadExactly(rows);
        Assert.Equal(-1, zlib.ReadByte());
        return rows;
    }

    // Bits an unlimited Huffman code spends on counts, and its depth: the two lightest merged until one tree is left.
    private static (long Cost, int Depth) HuffmanCost(int[] counts)
    {
        var queue = new PriorityQueue<(long Weight, int Depth), long>();
        foreach (var c in counts.Where(c => c > 0)) queue.Enqueue((c, 0), c);
        long cost = 0;
        while (queue.Count > 1)
        {
            var a = queue.Dequeue();
            var b = queue.Dequeue();
            cost += a.Weight + b.Weight;
            queue.Enqueue((a.Weight + b.Weight, Math.Max(a.Depth, b.Depth) + 1), a.Weight + b.Weight);
        }
        return (cost, queue.Dequeue().Depth);
    }

    // Every symbol counted has a code, none is longer than the limit, and the code is complete (Kraft's sum is 1).
    private static void AssertComplete(int[] counts, byte[] lengths, int limit)
    {
        for (var s = 0; s < counts.Length; s++) Assert.Equal(counts[s] > 0, lengths[s] > 0);
        Assert.All(lengths, l => Assert.InRange(l, 0, limit));
        Assert.Equal(1L << limit, lengths.Where(l => l > 0).Sum(l => 1L << (limit - l)));
    }
}
