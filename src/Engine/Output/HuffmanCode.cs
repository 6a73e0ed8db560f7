using System.Runtime.CompilerServices;

namespace WeiPian.Engine.Output;

/// <summary>
/// Length-limited canonical Huffman codes, as deflate's dynamic blocks need them (RFC 1951 §3.2.2): the lengths from the
/// symbols' counts, then the codes from the lengths, bit-reversed because deflate writes codes from their first bit on
/// into a stream packed from each byte's lowest bit.
/// </summary>
internal static class HuffmanCode
{
    /// <summary>
    /// The code length of each symbol (0 for a count of 0) of a prefix code at most <paramref name="maxBits"/> long that
    /// spends the fewest bits on <paramref name="counts"/>: minimum-redundancy lengths (Moffat and Katajainen's in-place
    /// method on the counts sorted); where one is longer than the limit, the counts are halved (none below 1) and the
    /// lengths found again, which flattens the tree until it fits. A lone symbol gets length 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lengths(ReadOnlySpan<int> counts, int maxBits, Span<byte> lengths)
    {
        lengths.Clear();
        Span<long> order = stackalloc long[counts.Length]; // count << 16 | symbol, sorted: ties go to the lower symbol
        Span<int> depths = stackalloc int[counts.Length];
        var n = 0;
        for (var s = 0; s < counts.Length; s++)
            if (counts[s] > 0) order[n++] = (long)counts[s] << 16 | (uint)s;
        if (n == 0) return;
        if (n == 1)
        {
            lengths[(int)(order[0] & 0xFFFF)] = 1;
            return;
        }
        order = order[..n];
        depths = depths[..n];
        while (true)
        {
            SortAscending(order);
            for (var i = 0; i < n; i++) depths[i] = (int)(order[i] >> 16);
            MinimumRedundancy(depths);
            if (depths[0] <= maxBits) break;
            for (var i = 0; i < n; i++) order[i] = Math.Max(1, (order[i] >> 16) / 2) << 16 | (order[i] & 0xFFFF);
        }
        for (var i = 0; i < n; i++) lengths[(int)(order[i] & 0xFFFF)] = (byte)depths[i];
    }

    /// <summary>
    /// The canonical codes of <paramref name="lengths"/> (RFC 1951 §3.2.2), each bit-reversed to be written from the
    /// stream's lowest bit on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Codes(ReadOnlySpan<byte> lengths, Span<uint> codes)
    {
        Span<int> perLength = stackalloc int[16];
        Span<uint> next = stackalloc uint[16];
        foreach (var l in lengths) perLength[l]++;
        perLength[0] = 0;
        uint code = 0;
        for (var bits = 1; bits < 16; bits++)
        {
            code = (code + (uint)perLength[bits - 1]) << 1;
            next[bits] = code;
        }
        for (var s = 0; s < lengths.Length; s++)
            codes[s] = lengths[s] == 0 ? 0 : Reverse(next[lengths[s]]++, lengths[s]);
    }

    /// <summary>The lowest <paramref name="bits"/> bits of <paramref name="code"/> in reverse order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Reverse(uint code, int bits)
    {
        uint reversed = 0;
        for (var i = 0; i < bits; i++, code >>= 1) reversed = reversed << 1 | (code & 1);
        return reversed;
    }

    // Insertion sort: at most 286 keys, compiled optimised at once. The runtime's sort ran unoptimised through a run's
    // first seconds (tiering waits for compilation to quiet down), and took more time than the rest of the code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortAscending(Span<long> keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            var key = keys[i];
            var j = i - 1;
            for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
            keys[j + 1] = key;
        }
    }

    // Moffat and Katajainen, "In-place calculation of minimum-redundancy codes" (1995): a holds at least two counts
    // sorted ascending and is left holding each one's code length. Three passes: pair the two lightest of the leaves
    // and the trees built so far, each tree keeping its parent's index; the depth of each tree; the depth of each leaf.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MinimumRedundancy(Span<int> a)
    {
        var n = a.Length;
        a[0] += a[1];
        int root = 0, leaf = 2;
        for (var next = 1; next < n - 1; next++)
        {
            if (leaf >= n || a[root] < a[leaf])
            {
                a[next] = a[root];
                a[root++] = next;
            }
            else
            {
                a[next] = a[leaf++];
            }
            if (leaf >= n || (root < next && a[root] < a[leaf]))
            {
                a[next] += a[root];
                a[root++] = next;
            }
            else
            {
                a[next] += a[leaf++];
            }
        }
        a[n - 2] = 0;
        for (var next = n - 3; next >= 0; next--) a[next] = a[a[next]] + 1;
        int available = 1, used = 0, depth = 0;
        root = n - 2;
        var at = n - 1;
        while (available > 0)
        {
            while (root >= 0 && a[root] == depth)
            {
                used++;
                root--;
            }
            while (available > used)
            {
                a[at--] = depth;
                available--;
            }
            available = 2 * used;
            depth++;
            used = 0;
        }
    }
}
