#!/usr/bin/env python3
"""Writes EdgeMeta's protobuf wire table (MetaServer.Domain/Protobuf/WireSchemaText.cs).

Reads, from folders laid out by fetch-upstream.sh, each package's generated.proto (message names, field
numbers and wire types) and the Go types beside it (which fields are pointers, omitempty or inlined into
their parent's JSON: facts the .proto does not carry), and emits one line per field of every message
reachable from the roots below. The output is our own compact format, read by WireSchema.Parse:

    <message>                       a message, by short name (core.v1.Pod, meta.v1.ObjectMeta)
      <n> <json> <type> [flags]     a field: number, JSON name, type, flags
        type:  string int32 int64 bool bytes | a message short name | map<string,<type>>
        flags: rep (repeated)  keep (a scalar whose zero value is still written in JSON: a Go pointer, or
               no omitempty)
               inline (the message's fields sit in the parent's JSON object)

usage: gen-descriptors.py <root-of-fetched-sources> > MetaServer.Domain/Protobuf/WireSchemaText.cs
"""
import os
import re
import sys

ROOTS = [
    "core.v1.Pod", "core.v1.ConfigMap", "core.v1.Secret", "core.v1.Service", "core.v1.Endpoints", "core.v1.Node",
    "core.v1.Namespace", "core.v1.Event", "core.v1.ServiceAccount", "core.v1.PersistentVolume",
    "core.v1.PersistentVolumeClaim", "coordination.v1.Lease", "discovery.v1.EndpointSlice",
    "storage.v1.VolumeAttachment", "storage.v1.CSINode", "node.v1.RuntimeClass",
    "rbac.v1.Role", "rbac.v1.RoleBinding", "rbac.v1.ClusterRole", "rbac.v1.ClusterRoleBinding",
    "meta.v1.Status", "meta.v1.DeleteOptions", "meta.v1.WatchEvent", "runtime.Unknown",
]
# Messages the converter treats by hand (their JSON is not an object of their fields).
SPECIAL = {"meta.v1.Time", "meta.v1.MicroTime", "resource.Quantity", "intstr.IntOrString",
           "runtime.RawExtension", "meta.v1.FieldsV1"}
SCALARS = {"string", "int32", "int64", "bool", "bytes"}


def short(full):
    full = full.lstrip(".")
    for prefix in ("k8s.io.api.", "k8s.io.apimachinery.pkg.apis.", "k8s.io.apimachinery.pkg.api.",
                   "k8s.io.apimachinery.pkg.util.", "k8s.io.apimachinery.pkg."):
        if full.startswith(prefix):
            return full[len(prefix):]
    raise SystemExit(f"unexpected package in {full}")


def parse_proto(path):
    text = open(path, encoding="utf-8").read()
    package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    messages = {}
    for m in re.finditer(r"^message (\w+) \{(.*?)^\}", text, re.M | re.S):
        fields = []
        for f in re.finditer(r"^\s*(optional|repeated)?\s*(map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>|[\w.]+) (\w+) = (\d+);",
                             m.group(2), re.M):
            label, type_, key, value, name, number = f.groups()
            if key is not None:
                if key != "string":
                    raise SystemExit(f"map key {key} in {m.group(1)}")
                type_ = ("map", resolve(value, package))
            else:
                type_ = resolve(type_, package)
            fields.append((int(number), name, type_, label == "repeated"))
        messages[short(package + "." + m.group(1))] = fields
    return package, messages


def resolve(type_, package):
    if type_ in SCALARS:
        return type_
    if type_ in ("double", "float", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64"):
        raise SystemExit(f"scalar {type_} is not handled by the converter")
    return short(type_ if "." in type_.lstrip(".") else package + "." + type_)


GO_FIELD = re.compile(r"^\s*(?:(\w+)\s+)?(\S+)\s+`([^`]*)`")


def parse_go(folder, package):
    """(message, field number) -> (pointer, omitempty, inline) from the Go structs' tags."""
    facts = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".go"):
            continue
        struct = None
        for line in open(os.path.join(folder, name), encoding="utf-8"):
            start = re.match(r"^type (\w+) struct \{", line)
            if start:
                struct = start.group(1)
                continue
            if struct and line.startswith("}"):
                struct = None
                continue
            if not struct or line.lstrip().startswith("//"):
                continue
            f = GO_FIELD.match(line)
            if not f:
                continue
            tag = f.group(3)
            pb = re.search(r'protobuf:"(\w+),(\d+),', tag)
            js = re.search(r'json:"([^"]*)"', tag)
            if not pb or not js:
                continue
            json_parts = js.group(1).split(",")
            facts[(short(package + "." + struct), int(pb.group(2)))] = (
                f.group(2).startswith("*"), "omitempty" in json_parts[1:], "inline" in json_parts[1:])
    return facts


def main(root):
    messages, facts = {}, {}
    for folder, _, files in sorted(os.walk(root)):
        if "generated.proto" in files:
            package, found = parse_proto(os.path.join(folder, "generated.proto"))
            messages.update(found)
            facts.update(parse_go(folder, package))

    order, seen = [], set()

    def visit(name):
        if name in seen or name in SPECIAL:
            return
        if name not in messages:
            raise SystemExit(f"message {name} not found")
        seen.add(name)
        order.append(name)
        for _, _, type_, _ in messages[name]:
            target = type_[1] if isinstance(type_, tuple) else type_
            if target not in SCALARS:
                visit(target)

    for r in ROOTS:
        visit(r)
        lst = r + "List"
        if lst in messages:
            visit(lst)

    out = ["// <auto-generated>",
           "// Written by tools/proto/gen-descriptors.py from the generated.proto files (and Go struct tags) of",
           "// k8s.io/api and k8s.io/apimachinery v0.32.0. Do not edit: change the script and run it again.",
           "// </auto-generated>",
           "namespace MetaServer.Domain.Protobuf;",
           "",
           "internal static class WireSchemaText",
           "{",
           '    public const string Text = """']
    for name in order:
        out.append("        " + name)
        for number, proto_name, type_, repeated in sorted(messages[name], key=lambda f: f[0]):
            pointer, omitempty, inline = facts.get((name, number), (False, True, False))
            kind = f"map<string,{type_[1]}>" if isinstance(type_, tuple) else type_
            flags = []
            if repeated:
                flags.append("rep")
            if inline:
                flags.append("inline")
            elif kind in SCALARS and not repeated and (pointer or not omitempty):
                flags.append("keep")
            out.append(f"          {number} {proto_name} {kind}" + "".join(" " + f for f in flags))
    out += ['        """;', "}", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
