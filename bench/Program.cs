using BenchmarkDotNet.Running;

namespace WeiPian.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["polygonize-vs-gdal", .. var rest]) return Vector.PolygonizeVsGdal.Run(rest);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
