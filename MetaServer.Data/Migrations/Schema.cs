namespace MetaServer.Data.Migrations;

/// <summary>The schema's history. Append new steps; never edit one that has shipped.</summary>
internal static class Schema
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "objects, change log and revision", """
            -- KubeEdge's MetaManager table: resource string -> typed value (non-object meta such as pod status).
            CREATE TABLE meta (
                key   TEXT PRIMARY KEY NOT NULL,
                type  TEXT NOT NULL,
                value TEXT NOT NULL
            );

            -- Kubernetes objects, one row per key, as the JSON text served to clients. A rowid table with a
            -- UNIQUE key reads faster here than WITHOUT ROWID (measured, see docs/storage.md); keys sort by
            -- namespace then name, so a prefix range is a list in the order the apiserver returns it.
            CREATE TABLE meta_v2 (
                id                        INTEGER PRIMARY KEY,
                key                       TEXT NOT NULL UNIQUE,
                gvr                       TEXT NOT NULL,
                namespace                 TEXT NOT NULL,
                name                      TEXT NOT NULL,
                resource_version          INTEGER NOT NULL,
                upstream_resource_version TEXT,
                labels                    TEXT,
                fields                    TEXT,
                value                     TEXT NOT NULL
            );

            -- Every committed change, by revision: what watch resumes from and what a list snapshot rebuilds from.
            -- prev_revision is the key's revision before this change (0 if it did not exist) and prev_value the
            -- object as it was then, so the state at any retained revision can be read back; prev_labels and
            -- prev_fields let a watcher whose selector stopped matching be told DELETED.
            CREATE TABLE changes (
                revision      INTEGER PRIMARY KEY,
                key           TEXT NOT NULL,
                gvr           TEXT NOT NULL,
                namespace     TEXT NOT NULL,
                name          TEXT NOT NULL,
                type          TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
                prev_revision INTEGER NOT NULL,
                labels        TEXT,
                fields        TEXT,
                prev_labels   TEXT,
                prev_fields   TEXT,
                value         TEXT NOT NULL,
                prev_value    TEXT,
                committed_at  INTEGER NOT NULL
            );
            CREATE INDEX changes_key_revision ON changes (key, revision);

            -- The store's clock: the last revision handed out and the newest revision compacted away.
            CREATE TABLE store_state (
                id                 INTEGER PRIMARY KEY CHECK (id = 1),
                revision           INTEGER NOT NULL,
                compacted_revision INTEGER NOT NULL
            );
            INSERT INTO store_state (id, revision, compacted_revision) VALUES (1, 0, 0);
            """),
        new(2, "message receipts", """
            -- Messages the MetaManager has processed, with the answer they got, written in the same transaction as
            -- their effect: a message the cloud resends (it does until it sees OK) is answered again, never applied
            -- twice, across restarts too. Pruned by age; the cloud stops resending within seconds.
            CREATE TABLE message_receipts (
                msg_id       TEXT PRIMARY KEY NOT NULL,
                answer       TEXT NOT NULL,
                processed_at INTEGER NOT NULL
            );
            CREATE INDEX message_receipts_processed_at ON message_receipts (processed_at);
            """),
        new(3, "outbox", """
            -- Node-owned writes (pod and node status, leases, events) made while the cloud was unreachable, in
            -- order, to be replayed when it is back. A row names the object, not its content: the replay sends
            -- the object as it is then (the latest status wins), onto the cloud's copy read afresh.
            CREATE TABLE outbox (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                key         TEXT NOT NULL,
                gvr         TEXT NOT NULL,
                namespace   TEXT NOT NULL,
                name        TEXT NOT NULL,
                subresource TEXT NOT NULL,
                created_at  INTEGER NOT NULL
            );
            CREATE INDEX outbox_key ON outbox (key);
            """),
        new(4, "each value stored once", """
            -- An object's JSON lives once: in the change that wrote it. meta_v2 keeps the index of what exists now
            -- (key, revision, labels, fields) and points at that change by its revision; a change no longer copies
            -- the previous value, labels and fields, which are the previous change's (prev_revision). Compaction
            -- keeps, per key, the newest change at or before the compaction point (the state there), so a snapshot
            -- at any revision from the compaction point on reads back from the change log alone.
            -- The old rule compacted every change up to the compaction point; give back what the new rule keeps:
            -- first the predecessor of each change whose predecessor is gone (from the copies it carries) ...
            INSERT INTO changes (revision, key, gvr, namespace, name, type, prev_revision, labels, fields, value, committed_at)
            SELECT c.prev_revision, c.key, c.gvr, c.namespace, c.name, 'MODIFIED', 0, c.prev_labels, c.prev_fields, c.prev_value, 0
            FROM changes c
            WHERE c.prev_revision > 0 AND c.prev_value IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM changes p WHERE p.revision = c.prev_revision);
            -- ... then the change of each object not changed since the compaction point, as it is now.
            INSERT INTO changes (revision, key, gvr, namespace, name, type, prev_revision, labels, fields, value, committed_at)
            SELECT m.resource_version, m.key, m.gvr, m.namespace, m.name, 'MODIFIED', 0, m.labels, m.fields, m.value, 0
            FROM meta_v2 m WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.revision = m.resource_version);
            -- Without its value a meta_v2 row is small (~0.5 KB), so it is kept in key order itself (WITHOUT ROWID):
            -- a list walks one tree in key order and joins each row to its change, where a rowid table would add a
            -- second lookup per row (the UNIQUE index, then the row).
            CREATE TABLE meta_v2_by_key (
                key                       TEXT PRIMARY KEY NOT NULL,
                gvr                       TEXT NOT NULL,
                namespace                 TEXT NOT NULL,
                name                      TEXT NOT NULL,
                resource_version          INTEGER NOT NULL,
                upstream_resource_version TEXT,
                labels                    TEXT,
                fields                    TEXT
            ) WITHOUT ROWID;
            INSERT INTO meta_v2_by_key (key, gvr, namespace, name, resource_version, upstream_resource_version, labels, fields)
            SELECT key, gvr, namespace, name, resource_version, upstream_resource_version, labels, fields FROM meta_v2;
            DROP TABLE meta_v2;
            ALTER TABLE meta_v2_by_key RENAME TO meta_v2;
            ALTER TABLE changes DROP COLUMN prev_value;
            ALTER TABLE changes DROP COLUMN prev_labels;
            ALTER TABLE changes DROP COLUMN prev_fields;
            """),
        new(5, "receipts in the order they were written", """
            -- Beehive's message ids are random UUIDs: an index of them takes each new receipt to a random page of a
            -- tree holding every receipt kept (about one more page written per message). Receipts are now appended in
            -- the order they are written (seq) and found through an index the writer keeps in memory, rebuilt from
            -- this table at start; rows the index no longer holds (past the retention or its capacity) are pruned
            -- from the low end of seq.
            CREATE TABLE message_receipts_by_seq (
                seq          INTEGER PRIMARY KEY,
                msg_id       TEXT NOT NULL,
                answer       TEXT NOT NULL,
                processed_at INTEGER NOT NULL
            );
            INSERT INTO message_receipts_by_seq (msg_id, answer, processed_at)
            SELECT msg_id, answer, processed_at FROM message_receipts ORDER BY processed_at, rowid;
            DROP TABLE message_receipts;
            ALTER TABLE message_receipts_by_seq RENAME TO message_receipts;
            """),
    ];
}
