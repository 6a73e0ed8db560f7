using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Inference;

/// <summary>
/// The tiny models of src/Models/recipes/test-contracts/make_test_models.py and a scalar reference of their
/// networks: each is one 3x3 convolution (zero padding 1) with formula weights, mirrored here exactly.
/// </summary>
internal static class TestModels
{
    public static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "Fixtures", "models");

    /// <summary>(a) pair before/after 1x4x64x64 → logits 1x5x64x64; embedded card; salt 0.</summary>
    public static string PairLogits => Path.Combine(Folder, "pair-logits-5c.onnx");

    /// <summary>(b) stacked "images" Nx8xHxW → "change" Nx1xHxW; sidecar card; salt 1.</summary>
    public static string StackedChange => Path.Combine(Folder, "stacked-change.onnx");

    /// <summary>(c) stacked R,G,B "images" 2x6x32x32 → logits 2x2x32x32; embedded card; salt 2.</summary>
    public static string StackedRgb => Path.Combine(Folder, "stacked-rgb-2c.onnx");

    /// <summary>(d) pair, graph takes 3 channels per date, card says B,G,R,NIR.</summary>
    public static string ContradictsGraph => Path.Combine(Folder, "contradicts-graph.onnx");

    /// <summary>(e) stacked 8-bit R,G,B "images" Nx6xHxW → "change" Nx1xHxW (1x1 convolution: red rise); sidecar card min 0 max 255.</summary>
    public static string StackedRgb8 => Path.Combine(Folder, "stacked-rgb8-change.onnx");

    public const int SaltPair = 0, SaltStacked = 1, SaltRgb = 2;

    /// <summary>As formula_weight in the recipe: a multiple of 1/8.</summary>
    public static double Weight(int o, int i, int dy, int dx, int salt) => ((o * 31 + i * 7 + dy * 3 + dx * 5 + salt * 13) % 11 - 5) / 8.0;

    /// <summary>As formula_bias in the recipe: a multiple of 1/4.</summary>
    public static double Bias(int o, int salt) => ((o * 3 + salt) % 5 - 2) / 4.0;

    /// <summary>A test input value: a multiple of 1/16 in [-1, 1], so every sum in the network is exact in float32.</summary>
    public static float Value(int tile, int channel, int y, int x, int date) =>
        ((tile * 13 + channel * 7 + y * 5 + x * 3 + date * 11) % 33 - 16) / 16f;

    /// <summary>Fills one date's C x T x T tile with <see cref="Value"/>.</summary>
    public static void Fill(Span<float> tile, int tileIndex, int channels, int size, int date)
    {
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    tile[(c * size + y) * size + x] = Value(tileIndex, c, y, x, date);
    }

    /// <summary>Scalar 3x3 convolution, zero padding 1: input Cin x T x T, output Cout x T x T, in double.</summary>
    public static float[] Conv3x3(ReadOnlySpan<float> input, int inChannels, int outChannels, int size, int salt)
    {
        var output = new float[outChannels * size * size];
        for (var o = 0; o < outChannels; o++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var sum = Bias(o, salt);
                    for (var i = 0; i < inChannels; i++)
                        for (var dy = 0; dy < 3; dy++)
                            for (var dx = 0; dx < 3; dx++)
                            {
                                int yy = y + dy - 1, xx = x + dx - 1;
                                if (yy < 0 || yy >= size || xx < 0 || xx >= size) continue;
                                sum += Weight(o, i, dy, dx, salt) * input[(i * size + yy) * size + xx];
                            }
                    output[(o * size + y) * size + x] = (float)sum;
                }
        return output;
    }

    /// <summary>Concatenates two C x T x T tiles on the channel axis.</summary>
    public static float[] Concat(ReadOnlySpan<float> first, ReadOnlySpan<float> second) => [.. first, .. second];

    /// <summary>Copies a model file (without its sidecar) into <paramref name="dir"/>.</summary>
    public static string CopyModel(string model, TempDir dir, string? name = null)
    {
        var target = dir.File(name ?? Path.GetFileName(model));
        File.Copy(model, target);
        return target;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
    }
}
