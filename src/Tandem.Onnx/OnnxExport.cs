using Google.Protobuf;
using Onnx;
using Tandem.IO;
using Tandem.Models;
using Tandem.Models.Towers;

namespace Tandem.Onnx;

/// <summary>
/// Exports a <see cref="TwoTowerModel"/> for ONNX Runtime: <c>user.onnx</c> and <c>item.onnx</c>
/// (each tower in evaluation mode, one named input per encoded feature, output
/// <c>embedding</c> [batch, d]) and <c>tandem-onnx.json</c>, the sidecar with each input's layout and
/// the fitted vocabularies and normalisation that turn raw values into those inputs (docs/export.md).
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graphs use.</summary>
    public const int Opset = 18;

    /// <summary>File names written into the output folder.</summary>
    public const string UserFile = "user.onnx", ItemFile = "item.onnx", SidecarFile = "tandem-onnx.json";

    /// <summary>The ONNX model of one tower (evaluation mode).</summary>
    /// <exception cref="OnnxExportException">A part of the tower has no ONNX translation; the message names it.</exception>
    public static ModelProto Tower(EncoderTower tower) =>
        TowerGraph.Build(tower, tower.Side == Data.Schema.Tower.Item ? "tandem_item_tower" : "tandem_user_tower");

    /// <summary>Writes both towers and the sidecar into <paramref name="folder"/> (created if missing), each file atomically.</summary>
    /// <exception cref="OnnxExportException">A part of a tower has no ONNX translation; nothing is written.</exception>
    /// <exception cref="TandemFileException">A file cannot be written.</exception>
    public static void Write(TwoTowerModel model, string folder)
    {
        // Both graphs are built before anything is written, so an unsupported part leaves no half export.
        var user = Tower(model.User);
        var item = Tower(model.Item);
        string sidecar = Sidecar.Json(model, [(UserFile, user), (ItemFile, item)]);
        AtomicFile.WriteBytes(Path.Combine(folder, UserFile), user.ToByteArray());
        AtomicFile.WriteBytes(Path.Combine(folder, ItemFile), item.ToByteArray());
        AtomicFile.WriteText(Path.Combine(folder, SidecarFile), sidecar);
    }
}
