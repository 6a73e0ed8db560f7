using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WeiPian.Engine.Vector;

public sealed partial class Polygonizer
{
    /// <summary>
    /// One pixel row as runs of equal class, with the region and the open boundary chain ends of each run.
    /// Runs are indexed 1..Count; run 0 and run Count+1 are masked sentinels for the columns -1 and Width, so
    /// every column x in [0, Width] has a run "containing" it and a run left of it.
    /// </summary>
    internal sealed class RunRow
    {
        /// <summary>First column of each run; Start[Count+1] = Width, Start[Count+2] = Width + 1.</summary>
        public readonly int[] Start;

        /// <summary>Class of each run: its value 0..255, or <see cref="Masked"/>.</summary>
        public readonly int[] Class;

        /// <summary>Region label of each valid run (a union-find root once the row is labelled).</summary>
        public readonly int[] Region;

        /// <summary>The open end (last vertex) of the run's region boundary going down its left edge.</summary>
        public readonly int[] Head;

        /// <summary>The open start (first vertex) of the run's region boundary going up its right edge.</summary>
        public readonly int[] Tail;

        /// <summary>Sum of the pixel weights of each run (0 when the rows came without weights).</summary>
        public readonly long[] Weight;

        public int Count;

        public RunRow(int width)
        {
            Start = new int[width + 3];
            Class = new int[width + 3];
            Region = new int[width + 3];
            Head = new int[width + 3];
            Tail = new int[width + 3];
            Weight = new long[width + 3];
        }

        /// <summary>Sums <paramref name="weights"/> over each run of the encoded row (or zeroes the sums when empty).</summary>
        public void SumWeights(ReadOnlySpan<byte> weights)
        {
            var n = Count;
            if (weights.IsEmpty)
            {
                Weight.AsSpan(0, n + 3).Clear();
                return;
            }
            for (var j = 1; j <= n; j++)
            {
                long sum = 0;
                foreach (var w in weights[Start[j]..Start[j + 1]]) sum += w;
                Weight[j] = sum;
            }
        }

        public void SetMasked(int width)
        {
            Start[0] = -1;
            Class[0] = Masked;
            Start[1] = 0;
            Class[1] = Masked;
            Count = 1;
            Close(width);
        }

        /// <summary>Run-length encodes one row: a new run wherever the class (value, or masked) changes.</summary>
        public void Encode(ReadOnlySpan<byte> row, ReadOnlySpan<byte> mask, int noData, bool vectorized = true)
        {
            Start[0] = -1;
            Class[0] = Masked;
            var n = 1;
            Start[1] = 0;
            if (mask.IsEmpty && noData < 0) n = EncodeValues(row, vectorized);
            else n = EncodeMasked(row, mask, noData, vectorized);
            Count = n;
            Close(row.Length);
        }

        private void Close(int width)
        {
            var n = Count;
            Start[n + 1] = width;
            Class[n + 1] = Masked;
            Start[n + 2] = width + 1;
            Class[n + 2] = Masked;
        }

        /// <summary>No mask: a run starts wherever row[x] != row[x-1]. 32 columns at a time: compare the row with
        /// itself shifted by one, take the mask of differing lanes, and visit its set bits; a scalar tail finishes.</summary>
        private int EncodeValues(ReadOnlySpan<byte> row, bool vectorized)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            var start = Start;
            var cls = Class;
            var n = 1;
            cls[1] = r;
            var x = 1;
            var w = row.Length;
            if (vectorized && Vector256.IsHardwareAccelerated)
            {
                for (; x + Vector256<byte>.Count <= w; x += Vector256<byte>.Count)
                {
                    var cur = Vector256.LoadUnsafe(ref r, (nuint)x);
                    var prev = Vector256.LoadUnsafe(ref r, (nuint)(x - 1));
                    var bits = ~Vector256.Equals(cur, prev).ExtractMostSignificantBits();
                    while (bits != 0)
                    {
                        var k = x + BitOperations.TrailingZeroCount(bits);
                        n++;
                        start[n] = k;
                        cls[n] = Unsafe.Add(ref r, k);
                        bits &= bits - 1;
                    }
                }
            }
            for (; x < w; x++)
            {
                var v = Unsafe.Add(ref r, x);
                if (v == Unsafe.Add(ref r, x - 1)) continue;
                n++;
                start[n] = x;
                cls[n] = v;
            }
            return n;
        }

        /// <summary>With a mask or a nodata value: class = value, or <see cref="Masked"/>. The scalar definition
        /// of a masked pixel is <see cref="ClassOf"/>; the vector loop finds the same run starts: class differs when the
        /// validity differs, or both are valid and the values differ.</summary>
        private int EncodeMasked(ReadOnlySpan<byte> row, ReadOnlySpan<byte> mask, int noData, bool vectorized)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            var start = Start;
            var cls = Class;
            var n = 1;
            var hasMask = !mask.IsEmpty;
            var last = ClassOf(row, mask, noData, 0);
            cls[1] = last;
            var x = 1;
            var w = row.Length;
            if (vectorized && Vector256.IsHardwareAccelerated)
            {
                ref var m = ref MemoryMarshal.GetReference(mask);
                var nd = Vector256.Create((byte)(noData < 0 ? 0 : noData));
                var useNoData = noData >= 0;
                for (; x + Vector256<byte>.Count <= w; x += Vector256<byte>.Count)
                {
                    var cur = Vector256.LoadUnsafe(ref r, (nuint)x);
                    var prev = Vector256.LoadUnsafe(ref r, (nuint)(x - 1));
                    var validCur = Vector256<byte>.AllBitsSet;
                    var validPrev = Vector256<byte>.AllBitsSet;
                    if (hasMask)
                    {
                        validCur = ~Vector256.Equals(Vector256.LoadUnsafe(ref m, (nuint)x), Vector256<byte>.Zero);
                        validPrev = ~Vector256.Equals(Vector256.LoadUnsafe(ref m, (nuint)(x - 1)), Vector256<byte>.Zero);
                    }
                    if (useNoData)
                    {
                        validCur &= ~Vector256.Equals(cur, nd);
                        validPrev &= ~Vector256.Equals(prev, nd);
                    }
                    var differs = (validCur ^ validPrev) | (validCur & validPrev & ~Vector256.Equals(cur, prev));
                    var bits = differs.ExtractMostSignificantBits();
                    while (bits != 0)
                    {
                        var k = x + BitOperations.TrailingZeroCount(bits);
                        n++;
                        start[n] = k;
                        cls[n] = ClassOf(row, mask, noData, k);
                        bits &= bits - 1;
                    }
                }
                if (x > 1) last = cls[n];
            }
            for (; x < w; x++)
            {
                var c = ClassOf(row, mask, noData, x);
                if (c == last) continue;
                n++;
                start[n] = x;
                cls[n] = c;
                last = c;
            }
            return n;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int ClassOf(ReadOnlySpan<byte> row, ReadOnlySpan<byte> mask, int noData, int x)
        {
            var v = row[x];
            return (!mask.IsEmpty && mask[x] == 0) || v == noData ? Masked : v;
        }
    }
}
