namespace WeiPian.Engine.Survey;

/// <summary>County codes (XZQDM): the 6-digit administrative code that starts every JCBH and names each county's file.</summary>
internal static class CountyCode
{
    /// <summary>True for 6 ASCII digits.</summary>
    public static bool IsValid(string? code) => code is { Length: 6 } && code.All(char.IsAsciiDigit);
}
