using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Synth;

/// <summary>One synthesised 1024 x 1024 case shared by the synthesiser tests.</summary>
public sealed class SynthFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public SynthFixture()
    {
        Result = SceneSynthesizer.Run(new SynthOptions { Size = 1024, Seed = 20251 }, _dir.Path);
    }

    public SynthResult Result { get; }

    public string File(string name) => Path.Combine(Result.Directory, name);

    public void Dispose() => _dir.Dispose();
}
