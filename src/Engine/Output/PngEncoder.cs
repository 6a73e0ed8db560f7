using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WeiPian.Engine.Output;

/// <summary>
/// Writes opaque 8-bit RGB PNGs, the chips' format: each row Sub-filtered, the rows deflated by <see cref="RowDeflate"/>
/// (a row repeating the one above is one back-reference, other bytes literals in a code fitted to the image). Encoding
/// sets the pace of <c>--chips</c>: this was faster than Skia's encoder (libpng, classic zlib) at every filter and level
/// tried, and than .NET's zlib (zlib-ng) at level 1, and its files are smaller (bench/RESULTS.md § Chips).
/// </summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Writes <paramref name="rgba"/> (row-major, 4 bytes a pixel, alpha ignored) as an RGB PNG.</summary>
    public static void Write(Stream output, ReadOnlySpan<byte> rgba, int width, int height)
    {
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // truecolour (RGB)
        header[10] = header[11] = header[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR"u8, header);

        // Pooled buffers: a chip's are a few hundred kB, and fresh ones each time churn the large-object heap.
        var raw = (1 + 3 * width) * height;
        var filtered = ArrayPool<byte>.Shared.Rent(raw);
        var compressed = ArrayPool<byte>.Shared.Rent(RowDeflate.MaxLength(raw));
        try
        {
            Filter(rgba, width, height, filtered.AsSpan(0, raw));
            var length = RowDeflate.Compress(filtered.AsSpan(0, raw), 1 + 3 * width, compressed);
            WriteChunk(output, "IDAT"u8, compressed.AsSpan(0, length));
            WriteChunk(output, "IEND"u8, []);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(filtered);
        }
    }

    /// <summary>Each row's filter byte and filtered RGB bytes: Sub, each byte minus the same channel of the pixel to its left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Filter(ReadOnlySpan<byte> rgba, int width, int height, Span<byte> filtered)
    {
        var rowBytes = 1 + 3 * width;
        for (var y = 0; y < height; y++)
        {
            var src = rgba.Slice(y * width * 4, width * 4);
            var row = filtered.Slice(y * rowBytes, rowBytes);
            row[0] = 1;
            int x = 0, o = 1;
            if (Vector128.IsHardwareAccelerated)
            {
                // Four pixels at a time: the byte differences with the pixels one to the left, alpha dropped (12 bytes
                // of the 16 stored; the 4 after them are written again by the next step, so stop 16 bytes short).
                var pixels = MemoryMarshal.Cast<byte, uint>(src);
                var rgb = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0xFF, 0xFF, 0xFF, 0xFF);
                for (; x + 4 <= width && o + 16 <= rowBytes; x += 4, o += 12)
                {
                    var left = x == 0 ? Vector128.Create(0, pixels[0], pixels[1], pixels[2]) : Vector128.Create(pixels.Slice(x - 1, 4));
                    Vector128.Shuffle(Vector128.Create(pixels.Slice(x, 4)).AsByte() - left.AsByte(), rgb).CopyTo(row[o..]);
                }
            }
            byte r = 0, g = 0, b = 0;
            if (x > 0) (r, g, b) = (src[4 * x - 4], src[4 * x - 3], src[4 * x - 2]);
            for (; x < width; x++, o += 3)
            {
                var p = 4 * x;
                row[o] = (byte)(src[p] - r);
                row[o + 1] = (byte)(src[p + 1] - g);
                row[o + 2] = (byte)(src[p + 2] - b);
                (r, g, b) = (src[p], src[p + 1], src[p + 2]);
            }
        }
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, body.Length);
        output.Write(word);
        output.Write(type);
        output.Write(body);
        // The vectorised CRC: a byte-at-a-time table loop took a tenth of a chip's encoding.
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
