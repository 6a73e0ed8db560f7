using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using WeiPian.Bench.Kernels;

namespace WeiPian.Bench;

/// <summary>
/// The benchmark entry: BenchmarkDotNet's switcher over every benchmark in this assembly.
/// <code>
/// dotnet run -c Release --project bench -- --filter '*Kernels*'            # Default config
/// dotnet run -c Release --project bench -- --filter '*Kernels*' --short    # Short, CI-sized
/// dotnet run -c Release --project bench -- --filter '*Kernels*' --job short  # BenchmarkDotNet's own switch, same job
/// dotnet run -c Release --project bench -- polygonize-vs-gdal [sizes...]    # one-run timing of ours against GDALPolygonize
/// dotnet run -c Release --project bench -- rasterize-vs-gdal --parcels DIR  # PolygonRasterizer against GDALRasterizeLayers
/// dotnet run -c Release --project bench -- write-tubans --count 100000      # 图斑 records written per format
/// dotnet run -c Release --project bench -- class-raster --out FILE.tif      # a class raster for file-to-file comparisons
/// dotnet run -c Release --project bench -- encode-chips --chips DIR         # the chips' deflate against zlib's, on detect's chips
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["polygonize-vs-gdal", .. var rest]: return Vector.PolygonizeVsGdal.Run(rest);
            case ["rasterize-vs-gdal", .. var rest]: return Vector.RasterizeVsGdal.Run(rest);
            case ["write-tubans", .. var rest]: return Vector.WriteTubans.Run(rest);
            case ["class-raster", .. var rest]: return Vector.ClassRasters.WriteFile(rest);
            case ["encode-chips", .. var rest]: return Output.EncodeChips.Run(rest);
        }
        bool shortRun = args.Contains("--short");
        var config = shortRun ? BenchConfigs.Short : BenchConfigs.Default;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--short").ToArray(), config);
        return 0;
    }
}

/// <summary>The configurations: Default (BenchmarkDotNet's default job) and Short (one launch, 3 warm-ups, 3 iterations).</summary>
public static class BenchConfigs
{
    /// <summary>Default job, memory diagnoser, throughput (MB/s of input) and speed-up over the scalar reference.</summary>
    public static IConfig Default { get; } = Common(ManualConfig.Create(DefaultConfig.Instance));

    /// <summary>As <see cref="Default"/> with <see cref="Job.ShortRun"/>: minutes, not hours; for CI and quick looks.</summary>
    public static IConfig Short { get; } = Common(ManualConfig.Create(DefaultConfig.Instance)).AddJob(Job.ShortRun);

    /// <summary>
    /// For seconds-long operations (whole rasters, whole scenes): one invocation per iteration, a warm-up and three
    /// measured iterations, in process (no generated project to build: on a busy 2-core machine that build can outlast
    /// BenchmarkDotNet's limit).
    /// </summary>
    public static Job SecondsLong { get; } = Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
        .WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance);

    // The build timeout is raised from BenchmarkDotNet's 2 minutes: on a shared 2-core machine the generated
    // project's build alone can take longer.
    private static ManualConfig Common(ManualConfig config) => config
        .WithBuildTimeout(TimeSpan.FromMinutes(15))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(new ThroughputColumn(), new SpeedupOverReferenceColumn());
}
