namespace MetaServer.IntegrationTests.Infrastructure;

/// <summary>The repository's folder, for tests that run scripts kept beside them.</summary>
public static class RepositoryFolder
{
    /// <summary>The folder holding EdgeMeta.sln, found by walking up from the test assembly.</summary>
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "EdgeMeta.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException($"no EdgeMeta.sln above {AppContext.BaseDirectory}");
        }
    }
}
