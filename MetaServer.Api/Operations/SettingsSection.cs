namespace MetaServer.Api.Operations;

/// <summary>One bound settings class and its configuration section, as registered by <c>AddSettings</c>: what <c>--help</c> lists.</summary>
internal sealed record SettingsSection(string Section, Type OptionsType);
