using System.CommandLine;
using WeiPian.Engine.Inference;

namespace WeiPian.Cli;

/// <summary>The <c>--device</c> value and the <c>--fp16</c> switch every inference command takes.</summary>
internal static class DeviceOption
{
    /// <summary>A new <c>--device</c> option (each command owns its options); read it with <see cref="Parse"/>.</summary>
    public static Option<string> Create() =>
        new("--device") { Description = "cpu or cuda (cuda needs the -p:Gpu=true build)", DefaultValueFactory = _ => "cpu" };

    /// <summary>A new <c>--fp16</c> switch.</summary>
    public static Option<bool> Fp16() =>
        new("--fp16") { Description = "Compute in float16 (for CUDA; on the CPU it runs through float32 casts, useful to compare classes)" };

    /// <summary><c>cpu</c>, or <c>cuda</c> (also <c>gpu</c>), in any case.</summary>
    /// <exception cref="WeiPian.Engine.InputException">Anything else; the message names the option and its values.</exception>
    public static InferenceDevice Parse(string value) => InferenceOptions.ParseDevice(value, "--device");
}
