using System.Text.Json.Nodes;
using MetaServer.Domain.Messages;

namespace MetaServer.IntegrationTests.Domain.Messages;

public sealed class RoutingTests
{
    private static readonly string[] AllSources =
    [
        ModuleNames.Edged,
        Sources.EdgeController,
        Sources.DynamicController,
        Sources.DeviceController,
        Sources.PolicyController,
        Sources.MetaServer,
        "router",
    ];

    private static readonly string[] AllOperations =
    [
        Operations.Insert, Operations.Update, Operations.Patch, Operations.Delete, Operations.Query, Operations.Response,
        Operations.CreateVolume, Operations.DeleteVolume, Operations.ControllerPublishVolume, Operations.ControllerUnpublishVolume,
        Operations.Connect, Operations.MetaSync, Operations.Upload,
    ];

    // KubeEdge v1.15.1 process.go as a table. Columns: operation, source ("*" = every source), resource, cloud link
    // ("any" = both), then the decision: kind, store change, forward targets, reply.
    private const string Matrix = """
        insert   edged              default/pod/web        up    Remote            None                   Cloud       CloudAnswerToAgent
        insert   edged              default/pod/web        down  Refuse            None                   None        ErrorToSender
        insert   edgecontroller     default/pod/web        any   Apply             Upsert                 Agent       OkToCloud
        insert   dynamiccontroller  default/pod/web        any   Apply             Upsert                 Agent       OkToCloud
        insert   devicecontroller   default/pod/web        any   Apply             Upsert                 Twin        OkToCloud
        insert   policycontroller   default/pod/web        any   Apply             Upsert                 None        OkToCloud
        insert   metaserver         default/pod/web        any   Apply             Upsert                 Agent       OkToCloud
        insert   router             default/pod/web        any   Apply             Upsert                 Agent       OkToCloud

        update   edged              default/lease/edge-1   up    Remote            None                   Cloud       CloudAnswerToAgent
        update   edged              default/lease/edge-1   down  Refuse            None                   None        ErrorToSender
        update   edgecontroller     default/lease/edge-1   any   Apply             Upsert                 Agent       OkToCloud
        update   edged              default/podstatus/web  any   Apply             Upsert                 Cloud       OkToAgent
        update   edgecontroller     default/pod/web        any   Apply             Upsert                 Agent       OkToCloud
        update   dynamiccontroller  default/pod/web        any   Apply             Upsert                 Agent       OkToCloud
        update   devicecontroller   default/pod/web        any   Apply             Upsert                 Twin        OkToCloud
        update   policycontroller   default/pod/web        any   Apply             Upsert                 None        OkToCloud
        update   metaserver         default/pod/web        any   Apply             Upsert                 None        ErrorToSender
        update   router             default/pod/web        any   Apply             Upsert                 None        ErrorToSender

        patch    *                  default/podpatch/web   any   Apply             Upsert                 Cloud       None

        delete   edged              default/pod/web        any   Apply             None                   Cloud       None
        delete   edgecontroller     default/pod/web        any   Apply             DeletePodIfUidMatches  Agent       OkToCloud
        delete   dynamiccontroller  default/pod/web        any   Apply             DeletePodIfUidMatches  Agent       OkToCloud
        delete   devicecontroller   default/pod/web        any   Apply             DeletePodIfUidMatches  Agent+Twin  OkToCloud
        delete   policycontroller   default/pod/web        any   Apply             DeletePodIfUidMatches  None        OkToCloud
        delete   metaserver         default/pod/web        any   Apply             DeletePodIfUidMatches  Agent       OkToCloud
        delete   router             default/pod/web        any   Apply             DeletePodIfUidMatches  Agent       OkToCloud
        delete   edged              default/configmap/cfg  any   Apply             Delete                 Agent       OkToCloud
        delete   edgecontroller     default/configmap/cfg  any   Apply             Delete                 Agent       OkToCloud
        delete   devicecontroller   default/configmap/cfg  any   Apply             Delete                 Agent+Twin  OkToCloud
        delete   policycontroller   default/configmap/cfg  any   Apply             Delete                 None        OkToCloud

        query    *                  default/configmap/cfg  up    Remote            None                   Cloud       CloudAnswerToAgent
        query    *                  default/configmap/cfg  down  QueryStoreByKey   None                   None        StoredRowsToAgent
        query    *                  default/configmap      up    Remote            None                   Cloud       CloudAnswerToAgent
        query    *                  default/configmap      down  QueryStoreByType  None                   None        StoredRowsToAgent
        query    *                  default/pod/web        any   QueryStoreByKey   None                   None        StoredRowsToAgent
        query    *                  default/pod            any   QueryStoreByType  None                   None        StoredRowsToAgent

        response edgecontroller     default/pod/web        any   Apply             Upsert                 Agent       None
        response edged              default/pod/web        any   Apply             Upsert                 Cloud       None
        response dynamiccontroller  default/pod/web        any   Apply             Upsert                 Cloud       None
        response devicecontroller   default/pod/web        any   Apply             Upsert                 Cloud       None
        response policycontroller   default/pod/web        any   Apply             Upsert                 Cloud       None
        response metaserver         default/pod/web        any   Apply             Upsert                 Cloud       None
        response router             default/pod/web        any   Apply             Upsert                 Cloud       None

        createvolume               *  node/volume          any   AskAgent          None                   Agent       AgentAnswerToCloud
        deletevolume               *  node/volume          any   AskAgent          None                   Agent       AgentAnswerToCloud
        controllerpublishvolume    *  node/volume          any   AskAgent          None                   Agent       AgentAnswerToCloud
        controllerunpublishvolume  *  node/volume          any   AskAgent          None                   Agent       AgentAnswerToCloud

        connect             *  node/connection       any   RecordConnection   None  None   None
        meta-internal-sync  *  default/podstatus     any   ReportPodStatuses  None  Cloud  None
        upload              *  default/pod/web       any   Refuse             None  None   ErrorToSender
        """;

    public static TheoryData<string, string, string, bool, string> Cases()
    {
        var cases = new TheoryData<string, string, string, bool, string>();
        foreach (var row in Rows())
            cases.Add(row.Operation, row.Source, row.Resource, row.Connected, row.Expected);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MetaManager_routes_as_KubeEdge_does(string operation, string source, string resource, bool connected, string expected)
    {
        var decision = Routing.Decide(MessageFor(operation, source, resource), connected);

        Assert.Equal(expected, Describe(decision));
    }

    [Fact]
    public void Routing_table_covers_every_operation_source_and_link_state()
    {
        var covered = Rows().Select(row => (row.Operation, row.Source, row.Connected)).ToHashSet();

        var missing =
            from operation in AllOperations
            from source in AllSources
            from connected in new[] { true, false }
            where !covered.Contains((operation, source, connected))
            select $"{operation} {source} {(connected ? "up" : "down")}";
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData(ModuleNames.Edged, MessageTargets.Agent)]
    [InlineData(Sources.EdgeController, MessageTargets.Cloud)]
    [InlineData(Sources.DeviceController, MessageTargets.Cloud)]
    [InlineData(Sources.MetaServer, MessageTargets.Cloud)]
    [InlineData("", MessageTargets.Cloud)]
    public void Errors_go_to_the_agent_for_its_own_messages_and_to_the_cloud_otherwise(string source, MessageTargets recipient)
    {
        var message = MessageFor(Operations.Upload, source, "default/pod/web");

        Assert.Equal(recipient, Routing.ErrorRecipient(message));
        Assert.Equal(recipient, Routing.Decide(message, cloudConnected: true).ErrorsTo);
    }

    [Theory]
    [InlineData(Operations.Insert, ModuleNames.Edged, "default/pod/web", false, "cannot reach the cloud: not connected")]
    [InlineData(Operations.Update, ModuleNames.Edged, "default/lease/edge-1", false, "cannot reach the cloud: not connected")]
    [InlineData(Operations.Upload, ModuleNames.Edged, "default/pod/web", true, "unsupported operation \"upload\"")]
    [InlineData(Operations.Update, Sources.MetaServer, "default/pod/web", true, "updates from source \"metaserver\" are stored but not routed")]
    [InlineData(Operations.Insert, Sources.EdgeController, "pod", true, "resource \"pod\" has no resource type")]
    [InlineData(Operations.Query, ModuleNames.Edged, "default/pod/web/extra", true, "resource \"default/pod/web/extra\" has more than three segments")]
    [InlineData(Operations.Delete, Sources.EdgeController, "", true, "resource is empty")]
    public void Refused_or_unrouted_message_is_answered_with_the_reason(string operation, string source, string resource, bool connected, string reason)
    {
        var decision = Routing.Decide(MessageFor(operation, source, resource), connected);

        Assert.Equal(Reply.ErrorToSender, decision.Reply);
        Assert.StartsWith(reason, decision.ErrorText);
    }

    [Theory]
    [InlineData(Operations.Connect)]
    [InlineData(Operations.MetaSync)]
    public void Broadcast_and_timer_messages_have_no_sender_to_answer(string operation)
    {
        var decision = Routing.Decide(MessageFor(operation, ModuleNames.MetaManager, "default/podstatus"), cloudConnected: true);

        Assert.Equal(MessageTargets.None, decision.ErrorsTo);
    }

    [Fact]
    public void Message_without_an_operation_is_refused()
    {
        var decision = Routing.Decide(new Message { Route = new MessageRoute { Source = ModuleNames.Edged } }, cloudConnected: true);

        Assert.Equal(RoutingKind.Refuse, decision.Kind);
        Assert.Equal("message has no operation", decision.ErrorText);
    }

    [Theory]
    [InlineData(Operations.Update, Sources.EdgeController, "default/pod/web", true)]
    [InlineData(Operations.Update, Sources.DynamicController, "default/pod/web", true)]
    [InlineData(Operations.Response, Sources.EdgeController, "default/pod/web", true)]
    [InlineData(Operations.Insert, Sources.EdgeController, "default/pod/web", false)]
    [InlineData(Operations.Delete, Sources.EdgeController, "default/configmap/cfg", false)]
    [InlineData(Operations.Delete, Sources.DeviceController, "default/configmap/cfg", false)]
    public void Agent_gets_the_message_as_its_sync_answer_only_where_KubeEdge_passes_the_sync_flag(string operation, string source, string resource, bool followsSync)
    {
        var decision = Routing.Decide(MessageFor(operation, source, resource), cloudConnected: true);

        Assert.True(decision.Forward.HasFlag(MessageTargets.Agent));
        Assert.Equal(followsSync, decision.AgentDeliveryFollowsSync);
    }

    [Theory]
    [InlineData("{\"metadata\":{\"name\":\"web\",\"uid\":\"u-1\"}}", "u-1")]
    [InlineData("\"{\\\"metadata\\\":{\\\"uid\\\":\\\"u-2\\\"}}\"", "u-2")]
    [InlineData("{\"metadata\":{\"name\":\"web\"}}", null)]
    [InlineData("{\"metadata\":{\"uid\":\"\"}}", null)]
    [InlineData("{}", null)]
    [InlineData("null", null)]
    public void Pod_delete_carries_the_uid_of_the_pod_in_its_content(string content, string? uid)
    {
        var message = MessageFor(Operations.Delete, Sources.EdgeController, "default/pod/web") with { Content = JsonNode.Parse(content) };

        var decision = Routing.Decide(message, cloudConnected: true);

        Assert.Equal(StoreChange.DeletePodIfUidMatches, decision.Store);
        Assert.Equal(uid, decision.PodUid);
    }

    [Theory]
    [InlineData("\"OK\"", "the content is not a pod")]
    [InlineData("[1]", "the content is not a pod")]
    [InlineData("{\"metadata\":\"web\"}", "metadata is not an object")]
    [InlineData("{\"metadata\":{\"uid\":7}}", "metadata.uid is not a string")]
    public void Pod_delete_whose_content_is_not_a_pod_is_refused(string content, string reason)
    {
        var message = MessageFor(Operations.Delete, Sources.EdgeController, "default/pod/web") with { Content = JsonNode.Parse(content) };

        var decision = Routing.Decide(message, cloudConnected: true);

        Assert.Equal(RoutingKind.Refuse, decision.Kind);
        Assert.Equal(StoreChange.None, decision.Store);
        Assert.Equal($"cannot delete pod default/pod/web: {reason}", decision.ErrorText);
        Assert.Equal(MessageTargets.Cloud, decision.ErrorsTo);
    }

    [Theory]
    [InlineData(ResourceTypes.ConfigMap, true)]
    [InlineData(ResourceTypes.Secret, true)]
    [InlineData(ResourceTypes.PersistentVolume, true)]
    [InlineData(ResourceTypes.PersistentVolumeClaim, true)]
    [InlineData(ResourceTypes.VolumeAttachment, true)]
    [InlineData(ResourceTypes.Node, true)]
    [InlineData(ResourceTypes.ServiceAccountToken, true)]
    [InlineData(ResourceTypes.Lease, true)]
    [InlineData(ResourceTypes.Pod, false)]
    [InlineData(ResourceTypes.PodStatus, false)]
    [InlineData(ResourceTypes.NodeStatus, false)]
    [InlineData(ResourceTypes.Service, false)]
    [InlineData(ResourceTypes.Endpoints, false)]
    [InlineData(ResourceTypes.ServiceAccountAccess, false)]
    [InlineData(ResourceTypes.Rule, false)]
    [InlineData("ConfigMap", false)]
    public void Query_asks_the_cloud_only_for_the_types_the_agent_must_see_current(string resourceType, bool remote)
    {
        var decision = Routing.Decide(MessageFor(Operations.Query, ModuleNames.Edged, $"default/{resourceType}/x"), cloudConnected: true);

        Assert.Equal(remote, Routing.IsRemoteQueried(resourceType));
        Assert.Equal(remote ? RoutingKind.Remote : RoutingKind.QueryStoreByKey, decision.Kind);
    }

    [Theory]
    [InlineData("\"cloud_connected\"", true)]
    [InlineData("\"cloud_disconnected\"", false)]
    public void Connection_broadcast_records_the_link_state(string content, bool connected)
    {
        var message = MessageFor(Operations.Connect, NodeConnection.Source, NodeConnection.Resource) with { Content = JsonNode.Parse(content) };

        var decision = Routing.Decide(message, cloudConnected: !connected);

        Assert.Equal(RoutingKind.RecordConnection, decision.Kind);
        Assert.Equal(connected, decision.Connected);
        Assert.Equal(MessageTargets.None, decision.ErrorsTo);
    }

    [Fact]
    public void Connection_broadcast_with_an_unknown_state_is_discarded_with_the_reason()
    {
        var message = MessageFor(Operations.Connect, NodeConnection.Source, NodeConnection.Resource) with { Content = "half_connected" };

        var decision = Routing.Decide(message, cloudConnected: true);

        Assert.Equal(RoutingKind.Discard, decision.Kind);
        Assert.Null(decision.Connected);
        Assert.Equal("connection broadcast with unknown state: \"half_connected\"", decision.ErrorText);
    }

    [Theory]
    [InlineData(Operations.Insert, Sources.EdgeController, "default/pod/web", true)]
    [InlineData(Operations.Insert, ModuleNames.Edged, "default/pod/web", true)]
    [InlineData(Operations.Insert, ModuleNames.Edged, "default/pod/web", false)]
    [InlineData(Operations.Query, ModuleNames.Edged, "default/configmap", false)]
    public void Decision_names_the_parsed_resource(string operation, string source, string resource, bool connected)
    {
        var decision = Routing.Decide(MessageFor(operation, source, resource), connected);

        Assert.Equal(ResourceString.Parse(resource), decision.Resource);
    }

    private static Message MessageFor(string operation, string source, string resource)
    {
        JsonNode? content = operation switch
        {
            Operations.Connect => NodeConnection.Connected,
            Operations.Delete => new JsonObject { ["metadata"] = new JsonObject { ["name"] = "web", ["uid"] = "uid-1" } },
            _ => new JsonObject { ["metadata"] = new JsonObject { ["name"] = "web" } },
        };
        return Message.Create(source, GroupNames.Resource, operation, resource, content, new FixedClock());
    }

    private static string Describe(RoutingDecision decision) =>
        $"{decision.Kind} {decision.Store} {decision.Forward.ToString().Replace(", ", "+", StringComparison.Ordinal)} {decision.Reply}";

    private static IEnumerable<(string Operation, string Source, string Resource, bool Connected, string Expected)> Rows()
    {
        foreach (var line in Matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var expected = string.Join(' ', cells[4..]);
            var sources = cells[1] == "*" ? AllSources : [cells[1]];
            bool[] links = cells[3] switch
            {
                "up" => [true],
                "down" => [false],
                "any" => [true, false],
                _ => throw new FormatException($"link state {cells[3]} in: {line}"),
            };
            foreach (var source in sources)
            {
                foreach (var connected in links)
                    yield return (cells[0], source, cells[2], connected, expected);
            }
        }
    }
}
