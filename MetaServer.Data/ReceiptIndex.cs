namespace MetaServer.Data;

/// <summary>
/// Finds a message's receipt by its id, in memory. Receipts are rows of <c>message_receipts</c> in the order they
/// were written (<c>seq</c>, the rowid): beehive's message ids are random UUIDs, and an on-disk index of them would
/// take each new receipt to a random page of a tree holding every receipt kept, about one more page written per
/// message. Here each receipt costs a hash of its id and its <c>seq</c>; a hit is confirmed by reading that row,
/// so a hash collision can only cost a read.
/// </summary>
/// <remarks>
/// Bounded: at most <c>capacity</c> receipts are findable, the newest; older ones are forgotten first, as are those
/// past the retention (<see cref="ForgetBefore"/>). Transactional with the writer's batch: receipts claimed in the
/// batch are staged (<see cref="Stage"/>), findable by later units of the same batch, dropped with a unit that is
/// rolled back (<see cref="Unstage"/>) or a batch that is (<see cref="Discard"/>), and made permanent only once
/// the batch is durable (<see cref="Commit"/>). Rebuilt from the table when the writer starts.
/// </remarks>
internal sealed class ReceiptIndex(int capacity)
{
    private readonly Dictionary<ulong, long> _committed = new();
    private readonly Queue<Entry> _order = new();
    private readonly Dictionary<ulong, long> _staged = new();
    private readonly List<Entry> _stagedOrder = new();

    /// <summary>Receipts findable now, committed and staged.</summary>
    public int Count => _committed.Count + _staged.Count;

    /// <summary>Receipts staged in the running batch: the mark a unit is rolled back to.</summary>
    public int Staged => _stagedOrder.Count;

    /// <summary>A 64-bit hash of a message id (FNV-1a over its UTF-16 code units, then a 64-bit finalizer mix).</summary>
    public static ulong KeyOf(string messageId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in messageId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        return hash ^ (hash >> 33);
    }

    /// <summary>The <c>seq</c> of the newest receipt whose id has this hash, staged or committed.</summary>
    public bool TryFind(ulong key, out long seq) => _staged.TryGetValue(key, out seq) || _committed.TryGetValue(key, out seq);

    /// <summary>Adds a receipt written in the running batch.</summary>
    public void Stage(ulong key, long seq, long at)
    {
        _staged[key] = seq;
        _stagedOrder.Add(new Entry(key, seq, at));
    }

    /// <summary>Drops what was staged after <paramref name="mark"/> (a unit rolled back to its savepoint).</summary>
    public void Unstage(int mark)
    {
        for (var i = _stagedOrder.Count - 1; i >= mark; i--)
        {
            var entry = _stagedOrder[i];
            _staged.Remove(entry.Key);
            // An earlier receipt of the batch under the same hash (a collision) is findable again.
            for (var j = i - 1; j >= mark; j--)
            {
                if (_stagedOrder[j].Key == entry.Key)
                {
                    _staged[entry.Key] = _stagedOrder[j].Seq;
                    break;
                }
            }
        }

        _stagedOrder.RemoveRange(mark, _stagedOrder.Count - mark);
    }

    /// <summary>Drops everything staged (the batch was rolled back, or is about to be run again).</summary>
    public void Discard()
    {
        _staged.Clear();
        _stagedOrder.Clear();
    }

    /// <summary>The batch is durable: its receipts become findable for good, the oldest forgotten past the capacity.</summary>
    public void Commit()
    {
        foreach (var entry in _stagedOrder)
        {
            Add(entry);
        }

        Discard();
    }

    /// <summary>Adds a receipt read back from the table when the writer starts (oldest first), by its id's hash.</summary>
    public void Load(long seq, ulong key, long at) => Add(new Entry(key, seq, at));

    /// <summary>
    /// Forgets the receipts processed before <paramref name="before"/> (unix ms) and returns the <c>seq</c> from
    /// which rows are still findable: every row below it, forgotten by age or by capacity, can be deleted.
    /// </summary>
    public long ForgetBefore(long before)
    {
        while (_order.TryPeek(out var oldest) && oldest.At < before)
        {
            Evict();
        }

        if (_order.TryPeek(out var kept))
        {
            return kept.Seq;
        }

        // Nothing committed is kept: the batch's own receipts, if any, are the oldest rows that must stay.
        return _stagedOrder.Count > 0 ? _stagedOrder[0].Seq : long.MaxValue;
    }

    private void Add(Entry entry)
    {
        _committed[entry.Key] = entry.Seq;
        _order.Enqueue(entry);
        while (_order.Count > capacity)
        {
            Evict();
        }
    }

    private void Evict()
    {
        var entry = _order.Dequeue();
        // Under a colliding hash a newer receipt may have taken the slot; that one stays.
        if (_committed.TryGetValue(entry.Key, out var seq) && seq == entry.Seq)
        {
            _committed.Remove(entry.Key);
        }
    }

    private readonly record struct Entry(ulong Key, long Seq, long At);
}
