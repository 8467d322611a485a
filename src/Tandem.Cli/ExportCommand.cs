using System.CommandLine;
using Tandem.Models;
using Tandem.Onnx;

namespace Tandem.Cli;

/// <summary><c>tandem export --model m.tandem --onnx out/</c>: the towers as ONNX models with their sidecar (docs/export.md).</summary>
static class ExportCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "Model file.", Required = true };
        var onnx = new Option<string>("--onnx") { Description = $"Folder to write {OnnxExport.UserFile}, {OnnxExport.ItemFile} and {OnnxExport.SidecarFile} into.", Required = true };
        var export = new Command("export", $"Export the user and item towers as ONNX models (opset {OnnxExport.Opset}) with a JSON sidecar of the fitted vocabularies and normalisation.") { model, onnx };
        export.SetAction(p =>
        {
            string folder = p.GetValue(onnx)!;
            var loaded = TwoTowerModel.Load(p.GetValue(model)!);
            OnnxExport.Write(loaded, folder);
            output.WriteLine($"Wrote {OnnxExport.UserFile} ({Inputs(loaded.User)}), {OnnxExport.ItemFile} ({Inputs(loaded.Item)}) and {OnnxExport.SidecarFile} to {folder}");
            return 0;
        });
        return export;
    }

    static string Inputs(Models.Towers.EncoderTower tower) => $"{tower.Modules.Count} feature(s) → {tower.OutputDimension}-d";
}
