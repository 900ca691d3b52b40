namespace AaiProxy.Groups;

/// <summary>The configured facilities by code (codes compared ordinally: they are lower-case by rule).</summary>
public sealed class FacilityCatalog
{
    private readonly Dictionary<string, Facility> _byCode;

    public FacilityCatalog(IEnumerable<Facility> facilities)
    {
        _byCode = new Dictionary<string, Facility>(StringComparer.Ordinal);
        foreach (var facility in facilities)
            if (!_byCode.TryAdd(facility.Code, facility))
                throw new ArgumentException($"Facility code '{facility.Code}' is configured twice.", nameof(facilities));
    }

    public Facility? Find(string code) => _byCode.GetValueOrDefault(code);

    /// <summary>Every configured facility.</summary>
    public IEnumerable<Facility> All => _byCode.Values;
}
