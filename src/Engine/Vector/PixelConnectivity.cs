namespace WeiPian.Engine.Vector;

/// <summary>Which neighbours of a pixel join it into the same region (GDALPolygonize's 8CONNECTED option).</summary>
public enum PixelConnectivity
{
    /// <summary>Pixels sharing an edge (left, right, above, below). GDAL's default.</summary>
    Four = 4,

    /// <summary>Pixels sharing an edge or a corner (diagonals too): GDAL's <c>8CONNECTED=8</c>.</summary>
    Eight = 8,
}
