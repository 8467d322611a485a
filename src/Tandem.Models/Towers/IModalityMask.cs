namespace Tandem.Models.Towers;

/// <summary>A feature module that knows which examples lack its modality (fusion masks those).</summary>
public interface IModalityMask
{
    /// <summary>Sets <c>present[b]</c> to whether example b has this modality; the first input.Count entries are written.</summary>
    void Present(TowerInput input, Span<bool> present);
}
