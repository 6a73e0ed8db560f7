using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>The acquisition date in satellite product names, and nothing from names that only look like them.</summary>
public class ProductNameTests
{
    [Theory]
    [InlineData("GF2_PMS1_E113.5_N30.6_20240312_L1A0001234567.tif", "2024-03-12")]
    [InlineData("/data/in/GF2_PMS1_E113.5_N30.6_20240312_L1A0001234567-MSS1.tiff", "2024-03-12")]
    [InlineData("GF1_WFV3_E115.2_N29.8_20230915_L1A0007654321.tif", "2023-09-15")]
    [InlineData("gf6_pms_e112.1_n31.0_20220101_l1a1120001234.tif", "2022-01-01")]
    [InlineData("ZY302_MUX_E114.0_N30.1_20210620_L1A0000111222.tif", "2021-06-20")]
    [InlineData("LC08_L1TP_123039_20200512_20200527_02_T1.tif", "2020-05-12")]
    [InlineData("S2A_MSIL2A_20200512T030541_N0214_R075_T49RGP_20200512T070406.tif", "2020-05-12")]
    [InlineData("m_3008901_ne_15_060_20200923.tif", "2020-09-23")]
    [InlineData("m_4709963_se_14_1_20090818.tif", "2009-08-18")]
    public void KnownPatternsGiveTheAcquisitionDate(string path, string date) =>
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), ProductName.AcquisitionDate(path));

    [Theory]
    [InlineData("before.tif")]
    [InlineData("scene_20240312.tif")]                               // a date in a name of no known pattern may be anything
    [InlineData("GF2_PMS1_E113.5_N30.6_20241312_L1A0001234567.tif")] // month 13
    [InlineData("GF2_PMS1_20240312_L1A0001234567.tif")]              // no position
    [InlineData("m_3008901_xx_15_060_20200923.tif")]                 // NAIP's name with no quadrant
    public void OtherNamesGiveNone(string path) => Assert.Null(ProductName.AcquisitionDate(path));
}
