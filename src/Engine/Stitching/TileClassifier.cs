using WeiPian.Engine.Inference;
using WeiPian.Engine.Kernels;

namespace WeiPian.Engine.Stitching;

/// <summary>
/// Turns one tile of model output into a class and a confidence per pixel, as the card's output form says:
/// argmax with softmax probability for logits, argmax for probabilities, a threshold for a single change logit.
/// </summary>
internal sealed class TileClassifier(CardOutput output, int classes, int tile)
{
    private readonly int _pixels = tile * tile;

    /// <summary>Class per pixel of the last tile classified (tile x tile, row-major).</summary>
    public byte[] Classes { get; } = new byte[tile * tile];

    /// <summary>Probability of that class per pixel.</summary>
    public float[] Confidence { get; } = new float[tile * tile];

    public void Classify(ReadOnlySpan<float> modelOutput)
    {
        switch (output.Form)
        {
            case OutputForm.Logits:
                SimdKernels.ArgmaxSoftmax(modelOutput, classes, _pixels, Classes, Confidence);
                break;
            case OutputForm.Probabilities:
                SimdKernels.ArgmaxProbabilities(modelOutput, classes, _pixels, Classes, Confidence);
                break;
            default:
                SimdKernels.ThresholdLogit(modelOutput[.._pixels], (float)output.Threshold!.Value, (byte)output.ChangeClass!.Value, Classes, Confidence);
                break;
        }
    }
}
