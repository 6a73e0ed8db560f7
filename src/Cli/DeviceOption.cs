using WeiPian.Engine.Inference;

namespace WeiPian.Cli;

/// <summary>The <c>--device</c> value every inference command takes.</summary>
internal static class DeviceOption
{
    /// <summary><c>cpu</c>, or <c>cuda</c> (also <c>gpu</c>), in any case.</summary>
    /// <exception cref="ArgumentException">Anything else; the message names the option and its values.</exception>
    public static InferenceDevice Parse(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => InferenceDevice.Cpu,
        "cuda" or "gpu" => InferenceDevice.Cuda,
        var d => throw new ArgumentException($"--device {d}: use cpu or cuda."),
    };
}
