using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Xml.Linq;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Kernels;

/// <summary>
/// The kernel tests again in a child test run over this same test assembly, once with the runtime's hardware
/// intrinsics switched off (DOTNET_EnableHWIntrinsic=0) and once with AVX-512 off (DOTNET_EnableAVX512=0), so an
/// AVX-512 machine also runs the AVX2-only code as an AVX2 machine would.
/// </summary>
/// <remarks>
/// In process, every kernel test already runs each path (scalar, 256-bit, 512-bit) by forcing it
/// through the internal <see cref="KernelIsa"/> overloads. The child run adds what only a fresh
/// runtime can show: that the public entry points fall back to the scalar loop when nothing is
/// accelerated, and that the vector paths give the same results when the runtime emulates the
/// vector operations in software (as on hardware without AVX2/AVX-512, and without the
/// Avx512F-only store); and, with AVX-512 off, that the 256-bit paths' AVX2 fallbacks (taken where an AVX-512VL
/// instruction would otherwise serve) are compiled to real AVX2 code and agree too. The child is `dotnet test &lt;this assembly&gt;`: no build, the same VSTest
/// runner as the parent, results read from its .trx file.
/// </remarks>
public class IntrinsicsOffTests(ITestOutputHelper output)
{
    private const string ChildMarker = "WEIPIAN_KERNELS_INTRINSICS_OFF_CHILD";

    private static string? ChildMode => Environment.GetEnvironmentVariable(ChildMarker);

    private static bool IsChild => ChildMode is not null;

    // Child modes: the runtime switch each sets.
    private const string IntrinsicsOff = "intrinsics-off", Avx2Only = "avx2";

    [Fact]
    public void ReportsThePathsThisMachineAccelerates()
    {
        output.WriteLine($"Vector128 {Vector128.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}; " +
                         $"Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, Avx512F {Avx512F.IsSupported}, Avx512BW {Avx512BW.IsSupported}; kernels use {SimdKernels.BestIsa}");
        var expected = Vector512.IsHardwareAccelerated ? KernelIsa.Vector512 : Vector256.IsHardwareAccelerated ? KernelIsa.Vector256 : KernelIsa.Scalar;
        Assert.Equal(expected, SimdKernels.BestIsa);
        if (ChildMode == IntrinsicsOff)
        {
            Assert.Equal("0", Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic"));
            Assert.False(Vector128.IsHardwareAccelerated);
            Assert.False(Avx2.IsSupported);
            Assert.Equal(KernelIsa.Scalar, SimdKernels.BestIsa);
        }
        if (ChildMode == Avx2Only)
        {
            Assert.False(Avx512F.IsSupported);
            Assert.False(Vector512.IsHardwareAccelerated);
            Assert.Equal(Avx2.IsSupported ? KernelIsa.Vector256 : KernelIsa.Scalar, SimdKernels.BestIsa);
        }
    }

    [Theory]
    [InlineData(IntrinsicsOff, "DOTNET_EnableHWIntrinsic")]
    [InlineData(Avx2Only, "DOTNET_EnableAVX512")]
    public async Task KernelTestsPassWithHardwareIntrinsicsDisabled(string mode, string runtimeSwitch)
    {
        if (IsChild) return; // the child's filter leaves this test out; belt and braces against recursion

        string assembly = typeof(IntrinsicsOffTests).Assembly.Location;
        using var results = new TempDir();
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var arg in new[]
                 {
                     "test", assembly, "--nologo",
                     "--filter", $"FullyQualifiedName~{typeof(IntrinsicsOffTests).Namespace}.&FullyQualifiedName!~{nameof(KernelTestsPassWithHardwareIntrinsicsDisabled)}",
                     "--logger", "trx;LogFileName=child.trx",
                     "--results-directory", results.Path,
                 })
            psi.ArgumentList.Add(arg);
        psi.Environment[runtimeSwitch] = "0";
        psi.Environment[ChildMarker] = mode;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            try { await child.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
                Assert.Fail($"child test run ({mode}) did not finish in 10 minutes");
            }
        }
        string log = await stdout + await stderr;
        output.WriteLine(log);

        string trx = Path.Combine(results.Path, "child.trx");
        Assert.True(File.Exists(trx), $"child wrote no {trx}; exit code {child.ExitCode}:\n{log}");
        var doc = XDocument.Load(trx);
        XNamespace ns = doc.Root!.Name.Namespace;
        var counters = doc.Descendants(ns + "Counters").Single();
        int total = (int)counters.Attribute("total")!, passed = (int)counters.Attribute("passed")!, failed = (int)counters.Attribute("failed")!;
        output.WriteLine($"child: {total} total, {passed} passed, {failed} failed");
        Assert.True(child.ExitCode == 0 && failed == 0, $"kernel tests failed in the {mode} child (exit {child.ExitCode}, {failed} failed):\n{log}");

        // It ran the kernel tests (not an empty filter), including the one that proves intrinsics were off.
        var names = doc.Descendants(ns + "UnitTestResult")
            .Where(r => (string?)r.Attribute("outcome") == "Passed")
            .Select(r => (string)r.Attribute("testName")!).ToList();
        Assert.Contains(names, n => n.Contains(nameof(ReportsThePathsThisMachineAccelerates)));
        Assert.Contains(names, n => n.Contains(nameof(ScaleToFloatTests.UInt16MatchesReferenceBitForBit)));
        Assert.Contains(names, n => n.Contains(nameof(ClassifyTests.ArgmaxSoftmaxMatchesReference)));
        Assert.True(passed >= 40, $"only {passed} kernel tests ran in the child");
    }

    /// <summary>The dotnet host running these tests, so the child uses the same runtime and SDK.</summary>
    private static string DotnetHost()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == exe) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, exe))) return Path.Combine(root, exe);
        return exe; // from PATH
    }
}
