using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// A null-terminated <c>char**</c> of UTF-8 strings (GDAL's CSL options, argv lists) that this
/// side allocates and frees; GDAL only reads it during the call.
/// </summary>
internal sealed unsafe class NativeStringList : IDisposable
{
    private readonly nint* _items;
    private readonly int _count;

    public NativeStringList(IEnumerable<string>? items)
    {
        var list = items?.ToList() ?? [];
        _count = list.Count;
        _items = (nint*)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < _count; i++) _items[i] = Marshal.StringToCoTaskMemUTF8(list[i]);
    }

    /// <summary>The <c>char**</c>, or null for an empty list (GDAL treats both alike).</summary>
    public nint Pointer => _count == 0 ? 0 : (nint)_items;

    public void Dispose()
    {
        for (var i = 0; i < _count; i++) Marshal.FreeCoTaskMem(_items[i]);
        NativeMemory.Free(_items);
    }

    /// <summary>Reads a GDAL-owned <c>char**</c> into managed strings.</summary>
    public static List<string> Read(nint list)
    {
        var result = new List<string>();
        if (list == 0) return result;
        for (var p = (nint*)list; *p != 0; p++) result.Add(Marshal.PtrToStringUTF8(*p) ?? "");
        return result;
    }
}
