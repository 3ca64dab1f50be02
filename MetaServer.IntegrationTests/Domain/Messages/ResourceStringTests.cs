using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class ResourceStringTests
{
    [Theory]
    [InlineData("default/pod/web-0", "default", "pod", "web-0")]
    [InlineData("kube-system/secret/token.v1-x", "kube-system", "secret", "token.v1-x")]
    [InlineData("default/node/edge-1", "default", "node", "edge-1")]
    [InlineData("/node/edge-1", "", "node", "edge-1")]
    [InlineData("default/pod/name with spaces", "default", "pod", "name with spaces")]
    [InlineData("default/configmap", "default", "configmap", null)]
    [InlineData("node/connection", "node", "connection", null)]
    [InlineData("/persistentvolume", "", "persistentvolume", null)]
    public void Resource_string_reads_namespace_type_and_name(string text, string @namespace, string resourceType, string? name)
    {
        Assert.True(ResourceString.TryParse(text, out var resource, out var error), error);

        Assert.Equal(@namespace, resource.Namespace);
        Assert.Equal(resourceType, resource.ResourceType);
        Assert.Equal(name, resource.Name);
        Assert.Equal(name is null, resource.IsList);
        Assert.Equal(text, resource.ToString());
    }

    [Theory]
    [InlineData(null, "resource is empty")]
    [InlineData("", "resource is empty")]
    [InlineData("pod", "resource \"pod\" has no resource type")]
    [InlineData("default/pod/a/b", "resource \"default/pod/a/b\" has more than three segments")]
    [InlineData("node/edge-1/default/pod/web", "resource \"node/edge-1/default/pod/web\" has more than three segments")]
    [InlineData("default//web", "resource \"default//web\" has an empty resource type")]
    [InlineData("default/", "resource \"default/\" has an empty resource type")]
    [InlineData("/", "resource \"/\" has an empty resource type")]
    [InlineData("default/pod/", "resource \"default/pod/\" has an empty name")]
    public void Malformed_resource_string_is_refused_with_the_reason(string? text, string reason)
    {
        Assert.False(ResourceString.TryParse(text, out var resource, out var error));

        Assert.Equal(default, resource);
        Assert.StartsWith(reason, error);
    }

    [Fact]
    public void Parse_throws_a_format_error_for_a_malformed_string()
    {
        var error = Assert.Throws<FormatException>(() => ResourceString.Parse("pod"));

        Assert.Contains("has no resource type", error.Message);
    }

    [Fact]
    public void Built_resource_strings_read_back_the_same()
    {
        var pod = ResourceString.For("default", ResourceTypes.Pod, "web-0");
        var list = ResourceString.List("default", ResourceTypes.ConfigMap);

        Assert.Equal("default/pod/web-0", pod.ToString());
        Assert.Equal("default/configmap", list.ToString());
        Assert.Equal(pod, ResourceString.Parse(pod.ToString()));
        Assert.Equal(list, ResourceString.Parse(list.ToString()));
    }

    [Fact]
    public void Pod_patch_key_is_the_pod_key_under_the_podpatch_type()
    {
        var patch = ResourceString.Parse("default/pod/web-0").WithResourceType(ResourceTypes.PodPatch);

        Assert.Equal("default/podpatch/web-0", patch.ToString());
    }

    [Theory]
    [InlineData("default", "pod", "a/b")]
    [InlineData("default", "", "web")]
    [InlineData("team/a", "pod", "web")]
    [InlineData("default", "pod", "")]
    public void Building_a_resource_string_that_would_not_read_back_throws(string @namespace, string resourceType, string name)
    {
        Assert.Throws<ArgumentException>(() => ResourceString.For(@namespace, resourceType, name));
    }
}
