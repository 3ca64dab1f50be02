namespace MetaServer.Data.Migrations;

/// <summary>One numbered schema step, applied once, in order, in its own transaction.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
