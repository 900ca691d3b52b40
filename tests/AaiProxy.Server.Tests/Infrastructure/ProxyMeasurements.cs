using System.Diagnostics.Metrics;
using AaiProxy.Server.Operations;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>Records one of the proxy's instruments (<see cref="ProxyMetrics.MeterName"/>) of one proxy only: other
/// tests' proxies run beside it, each with a meter factory of its own.</summary>
public sealed class ProxyMeasurements : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly List<(double Value, Dictionary<string, string?> Tags)> recorded = [];

    public ProxyMeasurements(IMeterFactory meters, string instrumentName)
    {
        listener.InstrumentPublished = (instrument, listening) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == ProxyMetrics.MeterName && instrument.Name == instrumentName)
                listening.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
        listener.Start();
    }

    /// <summary>What was recorded so far; observable instruments are asked first.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, string?> Tags)> Now()
    {
        listener.RecordObservableInstruments();
        lock (recorded)
            return [.. recorded];
    }

    public void Dispose() => listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, string?>();
        foreach (var (key, tag) in tags)
            copied[key] = tag?.ToString();
        lock (recorded)
            recorded.Add((value, copied));
    }
}
