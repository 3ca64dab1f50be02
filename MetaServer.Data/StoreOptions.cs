namespace MetaServer.Data;

/// <summary>Where the SQLite file lives and how the single writer commits to it.</summary>
public sealed class StoreOptions
{
    public const string Section = "Storage";

    /// <summary>Path of the SQLite file; created with its folder on first start.</summary>
    public string Path { get; set; } = "edgemeta.db";

    /// <summary>FULL survives power loss (the default at the edge); NORMAL survives a process crash only.</summary>
    public string Synchronous { get; set; } = "FULL";

    /// <summary>Most writes committed in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Writes waiting for the writer before submitters are made to wait (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>
    /// Most message receipts kept findable (the newest; see <c>MetaManager:ReceiptRetentionMinutes</c> for how long):
    /// the in-memory index costs ~60 bytes each, so the default bounds it at ~16 MB.
    /// </summary>
    public int ReceiptCapacity { get; set; } = 262_144;

    internal string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            return "Storage:Path must name a file";
        }

        if (Synchronous is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            return "Storage:Synchronous must be FULL, NORMAL or EXTRA";
        }

        if (MaxBatch is < 1 or > 10_000)
        {
            return "Storage:MaxBatch must be between 1 and 10000";
        }

        if (ReceiptCapacity < 1)
        {
            return "Storage:ReceiptCapacity must be at least 1";
        }

        return QueueCapacity < 1 ? "Storage:QueueCapacity must be at least 1" : null;
    }
}
