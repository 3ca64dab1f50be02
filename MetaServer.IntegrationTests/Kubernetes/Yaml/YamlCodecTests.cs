using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaServer.Api.Kubernetes.Yaml;

namespace MetaServer.IntegrationTests.Kubernetes.Yaml;

/// <summary>
/// YAML bodies become the JSON the apiserver makes of them (sigs.k8s.io/yaml over go-yaml v2), and stored JSON
/// is answered as the YAML the apiserver writes.
/// </summary>
public sealed class YamlCodecTests
{
    private static JsonNode? Read(string yaml, out string? error) => YamlCodec.ToJson(Encoding.UTF8.GetBytes(yaml), out error);

    private static JsonNode? ReadValid(string yaml)
    {
        var json = Read(yaml, out var error);
        Assert.Null(error);
        return json;
    }

    private static string Write(string json) => Encoding.UTF8.GetString(YamlCodec.ToYaml(Encoding.UTF8.GetBytes(json)));

    private static void AssertJsonEqual(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }

    // ---- YAML to JSON: scalars ----

    [Theory]
    [InlineData("~", "null")]
    [InlineData("null", "null")]
    [InlineData("Null", "null")]
    [InlineData("NULL", "null")]
    [InlineData("", "null")]
    [InlineData("true", "true")]
    [InlineData("True", "true")]
    [InlineData("FALSE", "false")]
    [InlineData("yes", "true")]
    [InlineData("Yes", "true")]
    [InlineData("no", "false")]
    [InlineData("on", "true")]
    [InlineData("Off", "false")]
    [InlineData("y", "true")]
    [InlineData("N", "false")]
    [InlineData("yEs", "\"yEs\"")]
    [InlineData("nan", "\"nan\"")]
    [InlineData("123", "123")]
    [InlineData("-17", "-17")]
    [InlineData("+5", "5")]
    [InlineData("0", "0")]
    [InlineData("0x1F", "31")]
    [InlineData("-0x10", "-16")]
    [InlineData("0o17", "15")]
    [InlineData("0644", "420")]
    [InlineData("08", "8")]
    [InlineData("0b101", "5")]
    [InlineData("1_000_000", "1000000")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("99999999999999999999", "100000000000000000000")]
    [InlineData("1.5", "1.5")]
    [InlineData("-2.50", "-2.5")]
    [InlineData("1e3", "1000")]
    [InlineData("1E-7", "1e-7")]
    [InlineData("6.02e23", "6.02e+23")]
    [InlineData(".5", "0.5")]
    [InlineData("+.5", "0.5")]
    [InlineData("1.", "1")]
    [InlineData("1.2.3", "\"1.2.3\"")]
    [InlineData("0x", "\"0x\"")]
    [InlineData("1e", "\"1e\"")]
    [InlineData("1e400", "\"1e400\"")]
    [InlineData("Infinity", "\"Infinity\"")]
    [InlineData("12:30", "\"12:30\"")]
    [InlineData("2024-05-01", "\"2024-05-01\"")]
    [InlineData("2024-05-01T10:00:00Z", "\"2024-05-01T10:00:00Z\"")]
    [InlineData("<<", "\"<<\"")]
    [InlineData("nginx:1.27", "\"nginx:1.27\"")]
    [InlineData("500m", "\"500m\"")]
    [InlineData("'123'", "\"123\"")]
    [InlineData("\"true\"", "\"true\"")]
    [InlineData("'~'", "\"~\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("'it''s'", "\"it's\"")]
    [InlineData("\"tab\\there\\u00e9\"", "\"tab\\there\\u00e9\"")]
    [InlineData("!!str 123", "\"123\"")]
    [InlineData("!!str true", "\"true\"")]
    [InlineData("!!int \"12\"", "12")]
    [InlineData("!!float 1", "1")]
    [InlineData("!!bool yes", "true")]
    [InlineData("!!null ''", "null")]
    [InlineData("!!binary aGVsbG8=", "\"hello\"")]
    [InlineData("!custom 12", "\"12\"")]
    [InlineData("! 12", "\"12\"")]
    [InlineData("[1, two, 'three', {a: b}]", "[1, \"two\", \"three\", {\"a\": \"b\"}]")]
    [InlineData("{}", "{}")]
    [InlineData("[]", "[]")]
    public void Plain_scalars_resolve_by_YAML_1_1_rules_and_quoted_ones_stay_strings(string scalar, string expectedJson)
    {
        var json = ReadValid($"v: {scalar}\n");

        AssertJsonEqual($"{{\"v\": {expectedJson}}}", json);
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("1e6", "1000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("-0.0", "-0")]
    public void Floats_are_written_as_Gos_encoding_json_writes_them(string scalar, string expectedText)
    {
        var json = ReadValid($"v: {scalar}\n");

        Assert.Equal(expectedText, json!["v"]!.ToJsonString());
    }

    [Theory]
    [InlineData("1: a", "1")]
    [InlineData("-3: a", "-3")]
    [InlineData("0x10: a", "16")]
    [InlineData("1.5: a", "1.5")]
    [InlineData("0.1: a", "0.1")]
    [InlineData("1.0: a", "1")]
    [InlineData("3.14159265358979: a", "3.1415927")]
    [InlineData("yes: a", "true")]
    [InlineData("y: a", "true")]
    [InlineData("off: a", "false")]
    [InlineData(".inf: a", ".inf")]
    [InlineData("'1': a", "1")]
    [InlineData("\"yes\": a", "yes")]
    [InlineData("2024-05-01: a", "2024-05-01")]
    [InlineData("? |\n  multi\n  line\n: a", "multi\nline\n")]
    public void Keys_that_are_not_strings_become_their_sigs_yaml_string_form(string yaml, string expectedKey)
    {
        var json = ReadValid(yaml + "\n")!.AsObject();

        var property = Assert.Single(json);
        Assert.Equal(expectedKey, property.Key);
        Assert.Equal("a", property.Value!.GetValue<string>());
    }

    [Fact]
    public void A_realistic_pod_manifest_becomes_the_json_kubectl_would_send()
    {
        const string Manifest = """
            # web server for the edge node
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
              labels:
                app: web
                version: "1.0"
              annotations:
                edge.kubeedge.io/managed: "true"
            spec:
              nodeName: edge-node-1
              containers:
                - name: web
                  image: nginx:1.27
                  args: ["--port", "80", --verbose]
                  ports:
                    - containerPort: 80
                      protocol: TCP
                  env:
                    - name: MODE
                      value: production
                    - name: WORKERS
                      value: "4"
                  resources:
                    limits:
                      cpu: 500m
                      memory: 128Mi
                    requests:
                      cpu: 0.25
                  readinessProbe:
                    httpGet:
                      path: /healthz
                      port: 80
                    initialDelaySeconds: 5
                  volumeMounts:
                    - name: config
                      mountPath: /etc/nginx/conf.d
                      readOnly: yes
              volumes:
                - name: config
                  configMap:
                    name: nginx-config
                    defaultMode: 0644
              tolerations:
              - key: node-role.kubernetes.io/edge
                operator: Exists
                effect: NoSchedule
              hostNetwork: false
              terminationGracePeriodSeconds: 30
              priorityClassName: ~
            """;

        var json = ReadValid(Manifest);

        AssertJsonEqual("""
            {
              "apiVersion": "v1",
              "kind": "Pod",
              "metadata": {
                "name": "web",
                "namespace": "default",
                "labels": { "app": "web", "version": "1.0" },
                "annotations": { "edge.kubeedge.io/managed": "true" }
              },
              "spec": {
                "nodeName": "edge-node-1",
                "containers": [
                  {
                    "name": "web",
                    "image": "nginx:1.27",
                    "args": ["--port", "80", "--verbose"],
                    "ports": [ { "containerPort": 80, "protocol": "TCP" } ],
                    "env": [ { "name": "MODE", "value": "production" }, { "name": "WORKERS", "value": "4" } ],
                    "resources": { "limits": { "cpu": "500m", "memory": "128Mi" }, "requests": { "cpu": 0.25 } },
                    "readinessProbe": { "httpGet": { "path": "/healthz", "port": 80 }, "initialDelaySeconds": 5 },
                    "volumeMounts": [ { "name": "config", "mountPath": "/etc/nginx/conf.d", "readOnly": true } ]
                  }
                ],
                "volumes": [ { "name": "config", "configMap": { "name": "nginx-config", "defaultMode": 420 } } ],
                "tolerations": [ { "key": "node-role.kubernetes.io/edge", "operator": "Exists", "effect": "NoSchedule" } ],
                "hostNetwork": false,
                "terminationGracePeriodSeconds": 30,
                "priorityClassName": null
              }
            }
            """, json);
        // The document's own key order is kept; JSON object order carries no meaning, but it reads naturally.
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], json!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Block_scalars_in_a_configmap_keep_their_text_exactly()
    {
        const string Manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app-config
            data:
              nginx.conf: |
                server {
                    listen 80;

                    location / {
                        root /usr/share/nginx/html;
                    }
                }
              motd: |-
                Welcome
                to the edge
              trailing: |+
                kept

              folded: >
                one
                two

                three
              folded-strip: >-
                a
                b
              indented: |2
                  four spaces
                two spaces
              quoted: "line1\nline2\ttab"
              plain: first
                second
            """;

        var data = ReadValid(Manifest)!["data"]!.AsObject();

        Assert.Equal("server {\n    listen 80;\n\n    location / {\n        root /usr/share/nginx/html;\n    }\n}\n", data["nginx.conf"]!.GetValue<string>());
        Assert.Equal("Welcome\nto the edge", data["motd"]!.GetValue<string>());
        Assert.Equal("kept\n\n", data["trailing"]!.GetValue<string>());
        Assert.Equal("one two\nthree\n", data["folded"]!.GetValue<string>());
        Assert.Equal("a b", data["folded-strip"]!.GetValue<string>());
        Assert.Equal("  four spaces\ntwo spaces\n", data["indented"]!.GetValue<string>());
        Assert.Equal("line1\nline2\ttab", data["quoted"]!.GetValue<string>());
        Assert.Equal("first second", data["plain"]!.GetValue<string>());
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_are_resolved_as_go_yaml_v2_resolves_them()
    {
        const string Manifest = """
            defaults: &defaults
              image: nginx:1.27
              imagePullPolicy: IfNotPresent
            limits: &limits {cpu: 100m}
            name: &name web
            containers:
            - <<: *defaults
              name: *name
            - <<: [*defaults, {imagePullPolicy: Always, stdin: true}]
              name: sidecar
              image: busybox
            - name: merged-last
              image: overridden
              <<: *defaults
            - name: plain-alias
              resources:
                limits: *limits
            """;

        var json = ReadValid(Manifest);

        AssertJsonEqual("""
            {
              "defaults": { "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent" },
              "limits": { "cpu": "100m" },
              "name": "web",
              "containers": [
                { "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent", "name": "web" },
                { "image": "busybox", "imagePullPolicy": "IfNotPresent", "stdin": true, "name": "sidecar" },
                { "name": "merged-last", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent" },
                { "name": "plain-alias", "resources": { "limits": { "cpu": "100m" } } }
              ]
            }
            """, json);
    }

    private const string MergeAnchors = """
        shapes:
        - &center {x: 1, "y": 2}
        - &left {x: 0, "y": 2}
        - &big {r: 10}
        - &small {r: 1}
        merged:

        """;

    [Theory]
    [InlineData("  <<: *center\n  r: 10")]
    [InlineData("  <<: [*center, *big]")]
    [InlineData("  <<: [*big, *left, *small]\n  x: 1")]
    [InlineData("  <<: {x: 1, 'y': 2, r: 10}")]
    [InlineData("  <<: [*center, {r: 10}]")]
    [InlineData("  !!merge \"<<\": [*center, *big]")]
    [InlineData("  !<tag:yaml.org,2002:merge> \"<<\": [*center, *big]")]
    public void Every_form_of_merge_key_gives_the_same_map(string merge)
    {
        var json = ReadValid(MergeAnchors + merge + "\n  label: center/big\n");

        AssertJsonEqual("""{"x": 1, "y": 2, "r": 10, "label": "center/big"}""", json!["merged"]);
    }

    [Fact]
    public void A_quoted_merge_key_without_the_merge_tag_is_an_ordinary_key()
    {
        AssertJsonEqual("""{"<<": {"x": 1}}""", ReadValid("'<<': {x: 1}\n"));
    }

    [Fact]
    public void An_aliased_node_is_copied_so_each_use_is_its_own_json_node()
    {
        var json = ReadValid("a: &x {k: 1}\nb: *x\n")!;

        json["b"]!["k"] = 2;

        Assert.Equal(1, json["a"]!["k"]!.GetValue<long>());
    }

    [Fact]
    public void Duplicate_keys_keep_the_last_value_and_are_listed_in_go_yaml_strict_words()
    {
        var json = YamlCodec.ToJson("name: a\nimage: x\nname: b\n"u8, out var duplicates, out var error);

        Assert.Null(error);
        AssertJsonEqual("""{"name": "b", "image": "x"}""", json);
        Assert.Equal(["line 3: key \"name\" already set in map"], duplicates);
    }

    [Fact]
    public void A_duplicate_number_key_is_listed_as_go_yaml_prints_it()
    {
        var json = YamlCodec.ToJson("a: 1\n9: 2\n9: 4\n"u8, out var duplicates, out var error);

        Assert.Null(error);
        AssertJsonEqual("""{"a": 1, "9": 4}""", json);
        Assert.Equal(["line 3: key 9 already set in map"], duplicates);
    }

    [Fact]
    public void Keys_of_different_yaml_types_are_not_duplicates_although_json_names_them_alike()
    {
        var json = YamlCodec.ToJson("1: int\n'1': string\n"u8, out var duplicates, out var error);

        Assert.Null(error);
        Assert.Empty(duplicates);
        AssertJsonEqual("""{"1": "string"}""", json);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void An_empty_document_is_json_null_without_error(string yaml)
    {
        var json = Read(yaml, out var error);

        Assert.Null(error);
        Assert.Null(json);
    }

    [Theory]
    [InlineData("---\na: 1\n")]
    [InlineData("a: 1\n---\n")]
    [InlineData("a: 1\n...\n")]
    [InlineData("a: 1\n---\n# nothing more\n")]
    public void A_leading_separator_or_a_trailing_empty_document_is_accepted(string yaml)
    {
        AssertJsonEqual("""{"a": 1}""", ReadValid(yaml));
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var json = YamlCodec.ToJson([0xEF, 0xBB, 0xBF, .. "a: 1\n"u8], out var error);

        Assert.Null(error);
        AssertJsonEqual("""{"a": 1}""", json);
    }

    [Theory]
    [InlineData("a: 1\n---\nb: 2\n", "yaml: line 2: the body holds more than one YAML document")]
    [InlineData("---\na: 1\n---\n- b\n", "yaml: line 3: the body holds more than one YAML document")]
    [InlineData("a: b: c\n", "yaml: line 1:")]
    [InlineData("a:\n  b: 1\n c: 2\n", "yaml: line 3:")]
    [InlineData("a: \"unterminated\n", "yaml: line")]
    [InlineData("a: [1, 2\n", "yaml: line")]
    [InlineData("a: [2024-05-01T10:00:00Z\"\nb: 1\n", "yaml: line")]
    [InlineData("a:\n\tb: 1\n", "yaml: line")]
    [InlineData("a: 1\n\tb: 2\n", "yaml: line")]
    [InlineData("a: *missing\n", "yaml: line 1: unknown anchor 'missing' referenced")]
    [InlineData("a: &x [1, *x]\n", "yaml: line 1: anchor 'x' value contains itself")]
    [InlineData("a: .inf\n", "yaml: line 1: json: unsupported value: +Inf")]
    [InlineData("a: -.Inf\n", "json: unsupported value: -Inf")]
    [InlineData("a: .nan\n", "json: unsupported value: NaN")]
    [InlineData("~: a\n", "yaml: line 1: unsupported map key: null")]
    [InlineData(": a\n", "unsupported map key: null")]
    [InlineData("18446744073709551615: a\n", "unsupported map key of type uint64")]
    [InlineData("? [a, b]\n: c\n", "yaml: line 1: invalid map key")]
    [InlineData("x: &m {a: 1}\n? *m\n: c\n", "yaml: line 2: invalid map key")]
    [InlineData("<<: 1\n", "yaml: line 1: map merge requires map or sequence of maps as the value")]
    [InlineData("<<: [{a: 1}, 2]\n", "map merge requires map or sequence of maps as the value")]
    [InlineData("a: !!int abc\n", "yaml: line 1: cannot decode !!str `abc` as a !!int")]
    [InlineData("a: !!float 1.5.5\n", "cannot decode !!str `1.5.5` as a !!float")]
    [InlineData("a: !!binary not*base64\n", "!!binary value contains invalid base64 data")]
    [InlineData("a: \u0001\n", "yaml: line 1: control characters are not allowed")]
    [InlineData("a: 1\nb: \u007f\n", "yaml: line 2: control characters are not allowed")]
    public void Malformed_or_unconvertible_yaml_is_an_error_with_a_message(string yaml, string expectedMessage)
    {
        var json = Read(yaml, out var error);

        Assert.Null(json);
        Assert.NotNull(error);
        Assert.Contains(expectedMessage, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_an_error()
    {
        var json = YamlCodec.ToJson([(byte)'a', (byte)':', (byte)' ', 0xC3, 0x28, (byte)'\n'], out var error);

        Assert.Null(json);
        Assert.Equal("yaml: invalid UTF-8 in the body", error);
    }

    [Fact]
    public void Exponential_alias_expansion_is_refused()
    {
        var yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 'b'; level <= 'j'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" [")
                .AppendJoin(", ", Enumerable.Repeat("*" + previous, 9)).Append("]\n");
        }

        var json = Read(yaml.ToString(), out var error);

        Assert.Null(json);
        Assert.Contains("document contains excessive aliasing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var yaml = new string('[', 1500) + new string(']', 1500);

        var json = Read(yaml, out var error);

        Assert.Null(json);
        Assert.Contains("exceeded max depth of 1000", error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_truncation_or_corruption_of_a_manifest_makes_the_reader_throw_or_answer_both_a_value_and_an_error()
    {
        var manifest = Encoding.UTF8.GetBytes(Write(PodJson));
        var random = new Random(20240501);
        var noise = "\t\n :-[]{}#&*!|>'\"%@`?,~\\\u00e9\u0001"u8.ToArray();
        for (var length = 0; length <= manifest.Length; length++)
        {
            var json = YamlCodec.ToJson(manifest.AsSpan(0, length), out var error);
            Assert.True(error is null || json is null);
        }

        for (var round = 0; round < 3000; round++)
        {
            var corrupted = (byte[])manifest.Clone();
            for (var change = 0; change < 1 + (round % 4); change++)
            {
                corrupted[random.Next(corrupted.Length)] = round % 3 == 0 ? (byte)random.Next(256) : noise[random.Next(noise.Length)];
            }

            var json = YamlCodec.ToJson(corrupted, out var error);
            if (error is not null)
            {
                Assert.Null(json);
            }
        }
    }

    // ---- JSON to YAML ----

    private const string PodJson = """
        {
          "kind": "Pod",
          "apiVersion": "v1",
          "metadata": {
            "name": "web-7d4b9c",
            "namespace": "default",
            "uid": "6f1a3c2e-9b7d-4e21-8a55-0c2f1e7d9b10",
            "resourceVersion": "12345",
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "labels": { "app": "web", "app.kubernetes.io/name": "web", "tier": "frontend" },
            "annotations": {
              "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"web-7d4b9c\",\"namespace\":\"default\"}}\n",
              "description": "The front end of the shop, serving the catalogue and the basket pages to every visitor of the site"
            }
          },
          "spec": {
            "containers": [
              {
                "name": "web",
                "image": "nginx:1.27",
                "command": ["sh", "-c", "echo started: $(date) && exec nginx -g 'daemon off;'"],
                "args": ["--port=8080", "--verbose"],
                "ports": [{ "name": "http", "containerPort": 8080, "protocol": "TCP" }],
                "env": [
                  { "name": "DEBUG", "value": "yes" },
                  { "name": "PORT", "value": "8080" },
                  { "name": "EMPTY", "value": "" }
                ],
                "resources": {},
                "volumeMounts": [
                  { "name": "kube-api-access", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount" }
                ],
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent"
              }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "nodeSelector": { "kubernetes.io/os": "linux" },
            "imagePullSecrets": [],
            "tolerations": [
              { "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300 }
            ],
            "priority": 0
          },
          "status": {
            "phase": "Pending",
            "conditions": [
              {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": null,
                "lastTransitionTime": "2024-05-01T10:00:01Z",
                "reason": "Unschedulable",
                "message": "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
              }
            ],
            "qosClass": "BestEffort"
          }
        }
        """;

    [Fact]
    public void A_stored_pod_is_written_as_the_apiserver_writes_it()
    {
        var yaml = Write(PodJson);

        Assert.Equal("""
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                description: The front end of the shop, serving the catalogue and the basket pages
                  to every visitor of the site
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"web-7d4b9c","namespace":"default"}}
              creationTimestamp: "2024-05-01T10:00:00Z"
              labels:
                app: web
                app.kubernetes.io/name: web
                tier: frontend
              name: web-7d4b9c
              namespace: default
              resourceVersion: "12345"
              uid: 6f1a3c2e-9b7d-4e21-8a55-0c2f1e7d9b10
            spec:
              containers:
              - args:
                - --port=8080
                - --verbose
                command:
                - sh
                - -c
                - 'echo started: $(date) && exec nginx -g ''daemon off;'''
                env:
                - name: DEBUG
                  value: "yes"
                - name: PORT
                  value: "8080"
                - name: EMPTY
                  value: ""
                image: nginx:1.27
                imagePullPolicy: IfNotPresent
                name: web
                ports:
                - containerPort: 8080
                  name: http
                  protocol: TCP
                resources: {}
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
                volumeMounts:
                - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                  name: kube-api-access
                  readOnly: true
              dnsPolicy: ClusterFirst
              imagePullSecrets: []
              nodeSelector:
                kubernetes.io/os: linux
              priority: 0
              restartPolicy: Always
              terminationGracePeriodSeconds: 30
              tolerations:
              - effect: NoExecute
                key: node.kubernetes.io/not-ready
                operator: Exists
                tolerationSeconds: 300
            status:
              conditions:
              - lastProbeTime: null
                lastTransitionTime: "2024-05-01T10:00:01Z"
                message: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready:
                  }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
                reason: Unschedulable
                status: "False"
                type: PodScheduled
              phase: Pending
              qosClass: BestEffort

            """, yaml);
    }

    [Fact]
    public void Keys_are_in_go_yaml_order_where_other_characters_precede_letters_and_digits_compare_as_numbers()
    {
        var yaml = Write("""{"fileB": 1, "file10.txt": 2, "file2.txt": 3, "file_a": 4, "file.txt": 5, "File": 6, "a~b": 7, "aZ": 8}""");

        Assert.Equal("File: 6\na~b: 7\naZ: 8\nfile.txt: 5\nfile_a: 4\nfile2.txt: 3\nfile10.txt: 2\nfileB: 1\n", yaml);
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("", "\"\"")]
    [InlineData("true", "\"true\"")]
    [InlineData("True", "\"True\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("off", "\"off\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("~", "\"~\"")]
    [InlineData("123", "\"123\"")]
    [InlineData("0x1F", "\"0x1F\"")]
    [InlineData("0644", "\"0644\"")]
    [InlineData("1.5", "\"1.5\"")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData(".5", "\".5\"")]
    [InlineData("12:30", "\"12:30\"")]
    [InlineData("2024-05-01", "\"2024-05-01\"")]
    [InlineData("2024-05-01T10:00:00Z", "\"2024-05-01T10:00:00Z\"")]
    [InlineData("2024-13-01", "2024-13-01")]
    [InlineData("<<", "\"<<\"")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("a:b", "a:b")]
    [InlineData("key:", "'key:'")]
    [InlineData("- item", "'- item'")]
    [InlineData("-item", "-item")]
    [InlineData("#comment", "'#comment'")]
    [InlineData("a #b", "'a #b'")]
    [InlineData("a#b", "a#b")]
    [InlineData("*ref", "'*ref'")]
    [InlineData("&anchor", "'&anchor'")]
    [InlineData("!tag", "'!tag'")]
    [InlineData("|pipe", "'|pipe'")]
    [InlineData(">gt", "'>gt'")]
    [InlineData("%pct", "'%pct'")]
    [InlineData("@at", "'@at'")]
    [InlineData("`tick", "'`tick'")]
    [InlineData("[x", "'[x'")]
    [InlineData("{x", "'{x'")]
    [InlineData("x,y", "x,y")]
    [InlineData("'q", "'''q'")]
    [InlineData("\"dq", "'\"dq'")]
    [InlineData("it's", "it's")]
    [InlineData(" lead", "' lead'")]
    [InlineData("trail ", "'trail '")]
    [InlineData("---", "'---'")]
    [InlineData("...", "'...'")]
    [InlineData("café", "café")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("bell\u0007", "\"bell\\a\"")]
    [InlineData("nel\u0085", "\"nel\\N\"")]
    [InlineData("ctl\u0001\u009f", "\"ctl\\x01\\x9F\"")]
    [InlineData("smile \U0001F600", "\"smile \\U0001F600\"")]
    [InlineData("back\\slash", "back\\slash")]
    [InlineData("line1\nline2", "|-\n  line1\n  line2")]
    [InlineData("line1\nline2\n", "|\n  line1\n  line2")]
    [InlineData("line1\n\n", "|+\n  line1\n")]
    [InlineData("  indented\nx", "|2-\n    indented\n  x")]
    [InlineData("space before break \nx", "\"space before break \\nx\"")]
    [InlineData("tab\tin\nblock", "\"tab\\tin\\nblock\"")]
    public void Strings_are_quoted_only_when_plain_text_would_read_back_as_something_else(string value, string expectedYaml)
    {
        var yaml = Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["v"] = value }));

        Assert.Equal($"v: {expectedYaml}\n", yaml);
    }

    [Theory]
    [InlineData("""{"v": 1}""", "v: 1\n")]
    [InlineData("""{"v": -3}""", "v: -3\n")]
    [InlineData("""{"v": 1.0}""", "v: 1\n")]
    [InlineData("""{"v": 1.5}""", "v: 1.5\n")]
    [InlineData("""{"v": 1000000.0}""", "v: 1e+06\n")]
    [InlineData("""{"v": 123456.5}""", "v: 123456.5\n")]
    [InlineData("""{"v": 1e21}""", "v: 1e+21\n")]
    [InlineData("""{"v": 0.0001}""", "v: 0.0001\n")]
    [InlineData("""{"v": 0.00001}""", "v: 1e-05\n")]
    [InlineData("""{"v": 18446744073709551615}""", "v: 18446744073709551615\n")]
    [InlineData("""{"v": true, "w": false, "x": null}""", "v: true\nw: false\nx: null\n")]
    [InlineData("""{"v": {}, "w": []}""", "v: {}\nw: []\n")]
    [InlineData("{}", "{}\n")]
    [InlineData("[]", "[]\n")]
    [InlineData("\"text\"", "text\n")]
    [InlineData("42", "42\n")]
    [InlineData("""[1, [2, 3], {"a": [], "b": {"c": "d"}}, [[]]]""", "- 1\n- - 2\n  - 3\n- a: []\n  b:\n    c: d\n- - []\n")]
    [InlineData("""{"a": [{"b": [1]}]}""", "a:\n- b:\n  - 1\n")]
    [InlineData("""{"a": 1, "a": 2}""", "a: 2\n")]
    public void Numbers_literals_and_collections_are_written_as_go_yaml_writes_them(string json, string expectedYaml)
    {
        Assert.Equal(expectedYaml, Write(json));
    }

    [Fact]
    public void A_key_longer_than_128_bytes_or_spanning_lines_is_written_as_an_explicit_key()
    {
        var longKey = new string('k', 129);

        var yaml = Write(JsonSerializer.Serialize(new Dictionary<string, string> { [longKey] = "v", ["a\nb"] = "w" }));

        Assert.Equal($"? |-\n  a\n  b\n: w\n? {longKey}\n: v\n", yaml);
    }

    [Fact]
    public void Long_single_quoted_strings_fold_after_80_columns_but_never_at_their_last_space()
    {
        const string Value = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ";

        var yaml = Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["a"] = Value }));

        Assert.Equal("a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n", yaml);
        Assert.Equal(Value, ReadValid(yaml)!["a"]!.GetValue<string>());
    }

    [Fact]
    public void Key_order_matches_go_yamls_natural_order_for_numbers_and_punctuation()
    {
        string[] ordered = ["", ".1", ".2", ".a", "1", "2", "a!10", "a/0001", "a/002", "a/3", "a/10", "a/11", "a/0012", "a/100", "a~10", "ab/1", "b/1", "b/01", "b/2", "b/02", "b/3", "b/03", "b1", "b01", "b3", "c2.10", "c10.2", "d1", "d7", "d7abc", "d12", "d12a"];
        var shuffled = ordered.OrderBy(key => key.GetHashCode(StringComparison.Ordinal)).ToDictionary(key => key, _ => 1);

        var yaml = Write(JsonSerializer.Serialize(shuffled));

        var keys = ReadKeysInOrder(yaml);
        Assert.Equal(ordered, keys);

        static string[] ReadKeysInOrder(string yaml) =>
            yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line[..line.LastIndexOf(": 1", StringComparison.Ordinal)].Trim('"'))
                .ToArray();
    }

    [Fact]
    public void Long_double_quoted_strings_fold_and_escape_a_space_that_starts_a_line()
    {
        var value = "\t" + string.Join("  ", Enumerable.Repeat("word", 30));

        var yaml = Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["v"] = value }));

        var lines = yaml.Split('\n');
        Assert.StartsWith("v: \"\\tword  word", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 2);
        Assert.StartsWith("  \\ word", lines[1], StringComparison.Ordinal);
        Assert.Equal(value, ReadValid(yaml)!["v"]!.GetValue<string>());
    }

    [Fact]
    public void Output_goes_to_the_buffer_writer_in_pieces_when_it_is_large()
    {
        var items = string.Join(",", Enumerable.Range(0, 5000).Select(i => $$"""{"name": "item-{{i}}", "value": "{{i}}"}"""));
        var output = new System.Buffers.ArrayBufferWriter<byte>(16);

        YamlCodec.WriteYaml(Encoding.UTF8.GetBytes($$"""{"items": [{{items}}]}"""), output);

        var yaml = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.StartsWith("items:\n- name: item-0\n  value: \"0\"\n- name: item-1\n", yaml, StringComparison.Ordinal);
        Assert.EndsWith("- name: item-4999\n  value: \"4999\"\n", yaml, StringComparison.Ordinal);
    }

    // ---- Round trips ----

    public static TheoryData<string> RoundTripDocuments() => new()
    {
        PodJson,
        """
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
         "data": {"nginx.conf": "server {\n    listen 80;\n\n    location / {\n        root /html;\n    }\n}\n",
                  "motd": "Welcome\nto the edge", "trailing": "kept\n\n\n", "leading": "\n\nafter blank lines",
                  "spaces": "  two\n    four\n", "mixed": "a \nb", "crlf": "a\r\nb", "empty": "", "single": "\n",
                  "yes": "yes", "01": "0644", "true": "true", "": "empty key", "a: b": "colon key",
                  "long": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation",
                  "long-quoted": "key: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. it's 'quoted'",
                  "long-escaped": "\tLorem  ipsum  dolor  sit  amet,  consectetur  adipiscing  elit,  sed  do  eiusmod  tempor  incididunt"}}
        """,
        """{"numbers": [0, -1, 1.5, 0.001, 1e-7, 123456789012, 9223372036854775807, 18446744073709551615, 2.5e+30], "flags": [true, false, null]}""",
        """{"nested": [[[]], [{}], {"a": [{"b": {"c": [1, [2, [3]]]}}]}], "unicode": "café ☕ \u00a0 😀", "ctl": "\u0000\u001b\u007f"}""",
        """{"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": {"multi\nline key": "v", "<<": "merge-looking key"}}""",
    };

    [Theory]
    [MemberData(nameof(RoundTripDocuments))]
    public void Json_written_as_yaml_reads_back_as_the_same_json(string json)
    {
        var yaml = Write(json);

        var read = Read(yaml, out var error);

        Assert.Null(error);
        AssertJsonEqual(json, read);
    }

    [Fact]
    public void Random_tricky_strings_survive_the_round_trip_as_values_and_as_keys()
    {
        // U+2028/2029 are left out: go-yaml (and YamlDotNet) read them as line breaks in quoted text.
        string[] pieces = [" ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "'", "\"", "\\", "\n", "\n\n", "\t", "\r", "a", "Z", "1", "0x", ".", "é", "😀", "\u0085", "{", "[", ",", "&", "*", "!", "|", ">", "%", "@", "`", "~", "yes", "null", "true", "12", "word"];
        var random = new Random(42);
        for (var round = 0; round < 2000; round++)
        {
            var builder = new StringBuilder();
            var count = random.Next(0, round % 10 == 0 ? 120 : 12);
            for (var i = 0; i < count; i++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString();
            var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["v"] = text, [text + "k"] = "key" });
            var yaml = Write(json);
            var read = Read(yaml, out var error);

            Assert.True(error is null && JsonNode.DeepEquals(JsonNode.Parse(json), read),
                $"{JsonSerializer.Serialize(text)} wrote\n{yaml}\nread back {read?.ToJsonString()} {error}");
        }
    }
}
