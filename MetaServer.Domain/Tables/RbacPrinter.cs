using System.Text.Json.Nodes;

namespace MetaServer.Domain.Tables;

/// <summary>The apiserver's columns for roles (NAME, CREATED AT) and bindings (NAME, ROLE, AGE; users, groups, service accounts wide).</summary>
internal static class RbacPrinter
{
    public static readonly IReadOnlyList<TableColumn> RoleColumns =
    [
        TableColumn.ObjectName,
        new("Created At", "date", "", "When the object was created, from metadata.creationTimestamp.", 0),
    ];

    public static readonly IReadOnlyList<TableColumn> BindingColumns =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Role", "The role the binding grants: Role/name or ClusterRole/name."),
        TableColumn.Age,
        TableColumn.WideText("Users", "Users in the binding."),
        TableColumn.WideText("Groups", "Groups in the binding."),
        TableColumn.WideText("ServiceAccounts", "ServiceAccounts in the binding."),
    ];

    public static JsonArray RoleCells(JsonObject obj, DateTimeOffset now) =>
        [obj.Obj("metadata").Text("name"), obj.Obj("metadata").Text("creationTimestamp")];

    public static JsonArray BindingCells(JsonObject obj, DateTimeOffset now)
    {
        var roleRef = obj.Obj("roleRef");
        var users = new List<string>();
        var groups = new List<string>();
        var accounts = new List<string>();
        foreach (var subject in obj.Objects("subjects"))
        {
            var name = subject.Text("name");
            switch (subject.Text("kind"))
            {
                case "User":
                    users.Add(name);
                    break;
                case "Group":
                    groups.Add(name);
                    break;
                case "ServiceAccount":
                    accounts.Add(subject.Text("namespace") is { Length: > 0 } ns ? ns + "/" + name : name);
                    break;
            }
        }

        return
        [
            obj.Obj("metadata").Text("name"),
            roleRef.Text("kind") + "/" + roleRef.Text("name"),
            HumanDuration.Since(obj.Obj("metadata").Time("creationTimestamp"), now),
            string.Join(", ", users),
            string.Join(", ", groups),
            string.Join(", ", accounts),
        ];
    }
}
