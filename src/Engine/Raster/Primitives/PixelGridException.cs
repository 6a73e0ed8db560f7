namespace WeiPian.Engine.Raster.Primitives;

/// <summary>
/// A raster's grid cannot be used as it is: a rotated geotransform, no georeferencing, or two
/// dates that do not share one pixel grid. The message names the files and says how they differ.
/// </summary>
public sealed class PixelGridException(string message) : InputException(message);
