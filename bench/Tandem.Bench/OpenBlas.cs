using System.Runtime.InteropServices;

namespace Tandem.Bench;

/// <summary>The CBLAS entry points of Debian's OpenBLAS (libopenblas0-pthread), for reference runs only.</summary>
static unsafe partial class OpenBlas
{
    const string Library = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
    public const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    public static partial void Sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "cblas_sgemv")]
    public static partial void Sgemv(int order, int trans, int m, int n,
        float alpha, float* a, int lda, float* x, int incX, float beta, float* y, int incY);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    public static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_corename")]
    private static partial nint GetCoreName();

    [LibraryImport(Library, EntryPoint = "openblas_get_config")]
    private static partial nint GetConfig();

    public static string CoreName => Marshal.PtrToStringAnsi(GetCoreName()) ?? "?";
    public static string Config => Marshal.PtrToStringAnsi(GetConfig()) ?? "?";
}
