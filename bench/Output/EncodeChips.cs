using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using SkiaSharp;
using WeiPian.Engine.Output;

namespace WeiPian.Bench.Output;

/// <summary>
/// <c>WeiPian.Bench encode-chips --chips DIR [--runs 15]</c>: the chips' deflate against zlib's. Decodes every PNG in DIR
/// (the chips of a <c>weipian detect --chips DIR</c> run), filters each with <see cref="PngEncoder.Filter"/> (Sub), and
/// deflates the rows with <see cref="RowDeflate"/>; the reference is what the chips used before, zlib-ng (.NET's
/// <see cref="ZLibStream"/>) at level 1 on the same rows with each repeated row Up-filtered (all zeros). Prints the best
/// of the runs in ms and kB per chip, and the ratio; each result is inflated once and compared with its rows.
/// </summary>
public static class EncodeChips
{
    public static int Run(string[] args)
    {
        string? dir = null;
        var runs = 15;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--chips": dir = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 2;
            }
        }
        if (dir is null || !Directory.Exists(dir))
        {
            Console.Error.WriteLine("encode-chips needs --chips DIR, a folder of chips (weipian detect --chips DIR).");
            return 2;
        }
        var chips = Directory.GetFiles(dir, "*.png").Select(Rows).ToList();
        if (chips.Count == 0)
        {
            Console.Error.WriteLine($"No PNG in '{dir}'.");
            return 2;
        }
        var output = new byte[chips.Max(c => RowDeflate.MaxLength(c.Sub.Length))];
        var ours = Best(runs, chips, c => RowDeflate.Compress(c.Sub, c.RowBytes, output));
        var zlib = Best(runs, chips, c => ZlibLevel1(c.SubOrUp, output));
        foreach (var c in chips)
        {
            if (!Inflate(output.AsSpan(0, RowDeflate.Compress(c.Sub, c.RowBytes, output))).SequenceEqual(c.Sub)) throw new InvalidDataException("RowDeflate lost bytes.");
            if (!Inflate(output.AsSpan(0, ZlibLevel1(c.SubOrUp, output))).SequenceEqual(c.SubOrUp)) throw new InvalidDataException("zlib lost bytes.");
        }
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{chips.Count} chips of {dir}, best of {runs} runs"));
        Console.WriteLine(string.Create(inv, $"RowDeflate       {ours.Ms:F3} ms a chip, {ours.Kb:F1} kB"));
        Console.WriteLine(string.Create(inv, $"zlib-ng level 1  {zlib.Ms:F3} ms a chip, {zlib.Kb:F1} kB"));
        Console.WriteLine(string.Create(inv, $"RowDeflate / zlib: time {ours.Ms / zlib.Ms:F2}x, size {ours.Kb / zlib.Kb:F2}x"));
        return 0;
    }

    private sealed record Chip(byte[] Sub, byte[] SubOrUp, int RowBytes);

    // The chip's rows Sub-filtered, as PngEncoder writes them, and as they were before RowDeflate (a row repeating the
    // one above Up-filtered: all zeros).
    private static Chip Rows(string path)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"'{path}' is not a PNG Skia reads.");
        using var rgba = decoded.Copy(SKColorType.Rgba8888);
        var (w, h, pixels) = (rgba.Width, rgba.Height, rgba.Bytes);
        var rowBytes = 1 + 3 * w;
        var sub = new byte[rowBytes * h];
        PngEncoder.Filter(pixels, w, h, sub);
        var subOrUp = sub.ToArray();
        for (var y = 1; y < h; y++)
            if (pixels.AsSpan(4 * y * w, 4 * w).SequenceEqual(pixels.AsSpan(4 * (y - 1) * w, 4 * w)))
            {
                subOrUp.AsSpan(y * rowBytes, rowBytes).Clear();
                subOrUp[y * rowBytes] = 2;
            }
        return new Chip(sub, subOrUp, rowBytes);
    }

    private static int ZlibLevel1(byte[] rows, byte[] output)
    {
        var stream = new MemoryStream(output, 0, output.Length, writable: true);
        using (var zlib = new ZLibStream(stream, new ZLibCompressionOptions { CompressionLevel = 1 }, leaveOpen: true))
            zlib.Write(rows);
        return (int)stream.Position;
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var zlib = new ZLibStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
        using var rows = new MemoryStream();
        zlib.CopyTo(rows);
        return rows.ToArray();
    }

    // The fastest of the runs over every chip: ms and kB a chip.
    private static (double Ms, double Kb) Best(int runs, List<Chip> chips, Func<Chip, int> deflate)
    {
        var best = double.MaxValue;
        long bytes = 0;
        for (var r = 0; r < runs; r++)
        {
            bytes = 0;
            var watch = Stopwatch.StartNew();
            foreach (var c in chips) bytes += deflate(c);
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return (best / chips.Count, bytes / 1024.0 / chips.Count);
    }
}
