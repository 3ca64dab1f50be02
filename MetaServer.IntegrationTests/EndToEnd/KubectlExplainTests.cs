using System.Text.Json.Nodes;
using MetaServer.IntegrationTests.Discovery;
using MetaServer.IntegrationTests.Infrastructure;

namespace MetaServer.IntegrationTests.EndToEnd;

/// <summary>The real kubectl reading the served OpenAPI documents: explain, and apply's patch metadata.</summary>
public sealed class KubectlExplainTests() : KubectlTest(new Dictionary<string, string> { ["OpenApi:ModelDocs"] = OpenApiTests.ModelDocsPath })
{
    [Fact]
    public async Task Explain_prints_the_fields_of_built_in_kinds()
    {
        var spec = await RunAsync("explain", "pods.spec");
        Assert.Contains("KIND:       Pod", spec);
        Assert.Contains("FIELD: spec <PodSpec>", spec);
        Assert.Contains("containers\t<[]Container>", spec);
        Assert.Contains("nodeName\t<string>", spec);
        Assert.Contains("PodSpec is a description of a pod.", spec);

        var env = await RunAsync("explain", "pods.spec.containers.env");
        Assert.Contains("valueFrom\t<EnvVarSource>", env);

        var configMap = await RunAsync("explain", "configmap");
        Assert.Contains("data\t<map[string]string>", configMap);
        Assert.Contains("metadata\t<ObjectMeta>", configMap);

        var lease = await RunAsync("explain", "leases.spec");
        Assert.Contains("holderIdentity\t<string>", lease);
        Assert.Contains("renewTime\t<string>", lease); // Time is a formatted string, as kubectl prints it upstream
    }

    [Fact]
    public async Task Explain_shows_the_schema_of_a_custom_resource()
    {
        var crd = await WriteAsync("crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: sensors.devices.example.com
            spec:
              group: devices.example.com
              scope: Namespaced
              names: {plural: sensors, singular: sensor, kind: Sensor}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: What the sensor measures.
                        properties:
                          unit: {type: string, description: Unit of the reading.}
                          intervalSeconds: {type: integer}
            """);
        await RunAsync("apply", "-f", crd);

        var explained = await RunAsync("explain", "sensors.spec");
        Assert.Contains("KIND:       Sensor", explained);
        Assert.Contains("What the sensor measures.", explained);
        Assert.Contains("unit\t<string>", explained);
        Assert.Contains("Unit of the reading.", explained);
        Assert.Contains("intervalSeconds\t<integer>", explained);
    }

    [Fact]
    public async Task Apply_merges_containers_and_env_by_name_with_the_served_patch_metadata()
    {
        const string pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
            spec:
              nodeName: edge-1
              containers:
              - name: app
                image: nginx:1.25
                env:
                - {name: MODE, value: edge}
              - name: sidecar
                image: busybox:1.36
            """;
        await RunAsync("apply", "-f", await WriteAsync("pod.yaml", pod));

        // Something else changes the live object: a container's field that the manifest does not set.
        await RunAsync("patch", "pod", "web", "--type=strategic", "-p", """{"spec":{"containers":[{"name":"sidecar","imagePullPolicy":"Always"}]}}""");

        var changed = pod.Replace("nginx:1.25", "nginx:1.27").Replace("- {name: MODE, value: edge}", "- {name: MODE, value: edge}\n    - {name: LEVEL, value: debug}");
        var apply = await Cli.RunAsync("apply", "-f", await WriteAsync("pod2.yaml", changed), "-v=8");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.DoesNotContain("error calculating patch", apply.Stderr); // kubectl did not fall back from the served schema
        Assert.Contains("/openapi/v3/api/v1?hash=", apply.Stderr); // it read the core group's document
        Assert.Contains("$setElementOrder/env", apply.Stderr); // and computed the patch with the env merge key ("name")

        var live = JsonNode.Parse(await RunAsync("get", "pod", "web", "-o", "json"))!;
        var containers = live["spec"]!["containers"]!.AsArray();
        Assert.Equal(["app", "sidecar"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.27", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal(["MODE=edge", "LEVEL=debug"], containers[0]!["env"]!.AsArray().Select(e => e!["name"] + "=" + e["value"]));
        Assert.Equal("Always", containers[1]!["imagePullPolicy"]!.GetValue<string>()); // merged by name, not replaced
    }

    [Fact]
    public async Task Create_with_an_unknown_field_is_not_refused_as_before()
    {
        // kubectl sends fieldValidation=Strict and, since the served PATCH operations list no fieldValidation
        // parameter, validates on the client against /openapi/v2 — whose protobuf form is empty here. So an
        // unknown field is neither refused by kubectl nor by this server (which does not do field validation).
        var manifest = await WriteAsync("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: default}
            data: {a: b}
            bogus: 1
            """);
        var create = await Cli.RunAsync("create", "-f", manifest);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("configmap/settings created", create.Stdout);
    }

    private async Task<string> RunAsync(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private async Task<string> WriteAsync(string name, string yaml)
    {
        var path = Path.Combine(Work.Path, name);
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }
}
