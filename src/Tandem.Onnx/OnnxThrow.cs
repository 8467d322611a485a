using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Onnx;

/// <summary>A model cannot be exported: the message names the component, the opset and what to use instead.</summary>
public sealed class OnnxExportException(string message) : TandemException(message);

/// <summary>User errors of the ONNX export.</summary>
[StackTraceHidden]
static class OnnxThrow
{
    [DoesNotReturn]
    public static void Unsupported(string component, string fix) =>
        throw new OnnxExportException($"ONNX export (opset {OnnxExport.Opset}): Tandem cannot express {component} in ONNX; {fix}.");
}
