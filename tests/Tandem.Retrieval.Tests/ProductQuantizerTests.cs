namespace Tandem.Retrieval.Tests;

public class ProductQuantizerTests
{
    [Fact]
    public void LookupTablesSumToDistancesFromDecodedVectors()
    {
        var data = TestData.Clustered(2000, dimension: 16, seed: 81);
        var pq = new ProductQuantizer(16, 4);
        pq.Train(data);
        var codes = new byte[2000 * 4];
        pq.Encode(data, codes);
        var query = TestData.Uniform(16, 82);
        var ipTable = new float[4 * 256];
        var l2Table = new float[4 * 256];
        pq.InnerProductTable(query, ipTable);
        pq.L2Table(query, l2Table);
        var decoded = new float[16];
        for (int i = 0; i < 50; i++)
        {
            var code = codes.AsSpan(i * 4, 4);
            pq.Decode(code, decoded);
            double dot = 0, l2 = 0;
            for (int j = 0; j < 16; j++) { dot += query[j] * decoded[j]; l2 += (query[j] - decoded[j]) * (query[j] - decoded[j]); }
            float ipSum = 0, l2Sum = 0;
            for (int m = 0; m < 4; m++) { ipSum += ipTable[m * 256 + code[m]]; l2Sum += l2Table[m * 256 + code[m]]; }
            Assert.Equal(-dot, ipSum, 1e-4);
            Assert.Equal(l2, l2Sum, 1e-4);
        }
    }

    [Fact]
    public void InnerProductTableMatchesEveryCentroidWithOddSubDimension()
    {
        // 15 dimensions in 5 sub-quantisers of 3: an odd width hits the table kernel's remainders.
        var data = TestData.Clustered(1500, dimension: 15, seed: 84);
        var pq = new ProductQuantizer(15, 5);
        pq.Train(data);
        var query = TestData.Uniform(15, 85);
        var table = new float[5 * 256];
        pq.InnerProductTable(query, table);
        var decoded = new float[15];
        var code = new byte[5];
        for (int c = 0; c < 256; c++)
        {
            // Code c in every sub-quantiser decodes to centroid c of each codebook.
            code.AsSpan().Fill((byte)c);
            pq.Decode(code, decoded);
            for (int m = 0; m < 5; m++)
            {
                double dot = 0;
                for (int j = 0; j < 3; j++) dot += query[m * 3 + j] * decoded[m * 3 + j];
                Assert.Equal(-dot, table[m * 256 + c], 1e-5);
            }
        }
    }

    [Fact]
    public void EncodingPicksTheNearestCentroidAndShrinksError()
    {
        var data = TestData.Clustered(3000, dimension: 16, seed: 83);
        var pq = new ProductQuantizer(16, 8);
        pq.Train(data);
        var codes = new byte[3000 * 8];
        pq.Encode(data, codes);
        var decoded = new float[16];
        double error = 0, energy = 0;
        for (int i = 0; i < 3000; i++)
        {
            pq.Decode(codes.AsSpan(i * 8, 8), decoded);
            for (int j = 0; j < 16; j++) { double e = data[i * 16 + j] - decoded[j]; error += e * e; energy += data[i * 16 + j] * data[i * 16 + j]; }
        }
        // 256 centroids per 2-d slice of unit vectors leave well under 5% of the energy as error.
        Assert.True(error / energy < 0.05, $"relative PQ error {error / energy:F4}");
    }
}
