#!/usr/bin/python3
"""The official Python Kubernetes client (python3-kubernetes) against EdgeMeta.

Usage: client_lifecycle.py SERVER_URL

Typed lifecycle of a ConfigMap and a Pod in namespace default (create, read, list with a label selector,
the three patch types, replace, stale replace, delete, read after delete) and a watch from a list's
resourceVersion that must see ADDED, MODIFIED and DELETED. One line per step on stdout; exit 0 on success,
1 on a failed check, 2 on an unexpected error.
"""

import json
import sys
import threading
import time
import traceback

import urllib3
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

NAMESPACE = "default"
LABEL = "app=py-client"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
WATCH_TIMEOUT_SECONDS = 5
# Guard only: a watch that ignores timeoutSeconds must fail the run, not hang it.
WATCH_GRACE_SECONDS = 10


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def step(name, detail=""):
    print(f"ok  {name}" + (f": {detail}" if detail else ""), flush=True)


def api_error(call, *args, **kwargs):
    """Runs a call that must fail and answers its ApiException with the Status body parsed."""
    try:
        result = call(*args, **kwargs)
    except ApiException as e:
        try:
            status = json.loads(e.body) if e.body else {}
        except ValueError:
            status = {"unparsed": e.body}
        return e, status
    raise CheckFailed(f"{call.__name__} succeeded but an ApiException was expected; answer: {result}")


def expect_status(name, e, status, code, reason):
    check(e.status == code, f"{name}: expected HTTP {code}, got {e.status} {e.reason}; body: {e.body}")
    check(status.get("kind") == "Status", f"{name}: expected a Status body, got {e.body}")
    check(status.get("code") == code, f"{name}: expected Status.code {code}, got {status.get('code')}; body: {e.body}")
    check(status.get("reason") == reason, f"{name}: expected Status.reason {reason}, got {status.get('reason')}; body: {e.body}")


class SentContentTypes:
    """Records the Content-Type of every request as finally sent (the REST layer rewrites it for patches)."""

    def __init__(self, rest_client):
        self.sent = []
        inner = rest_client.request

        def request(method, url, *args, **kwargs):
            headers = kwargs.get("headers")
            try:
                return inner(method, url, *args, **kwargs)
            finally:
                if method == "PATCH" and headers is not None:
                    self.sent.append(headers.get("Content-Type"))

        rest_client.request = request

    def last_patch(self):
        return self.sent[-1] if self.sent else None


def merge_patch(api, path, path_params, body, response_type):
    """A JSON merge patch: the typed methods only send strategic merge (dict) or JSON patch (list)."""
    return api.call_api(
        path, "PATCH",
        path_params=path_params,
        header_params={"Content-Type": MERGE_PATCH, "Accept": "application/json"},
        body=body,
        response_type=response_type,
        auth_settings=["BearerToken"],
        _return_http_data_only=True,
    )


def config_map_lifecycle(v1, api, content_types):
    name = "py-cm"
    created = v1.create_namespaced_config_map(NAMESPACE, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=name, labels={"app": "py-client"}),
        data={"a": "1", "b": "2"}))
    check(isinstance(created, client.V1ConfigMap), f"create answered {type(created).__name__}, not V1ConfigMap")
    check(created.metadata.name == name, f"create: name {created.metadata.name!r}")
    check(created.metadata.namespace == NAMESPACE, f"create: namespace {created.metadata.namespace!r}")
    check(bool(created.metadata.uid), "create: no metadata.uid")
    check(bool(created.metadata.resource_version), "create: no metadata.resourceVersion")
    check(created.metadata.creation_timestamp is not None, "create: no metadata.creationTimestamp")
    check(created.data == {"a": "1", "b": "2"}, f"create: data {created.data}")
    step("configmap create", f"uid={created.metadata.uid} rv={created.metadata.resource_version}")

    # Same name again: 409 AlreadyExists.
    e, status = api_error(v1.create_namespaced_config_map, NAMESPACE, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name)))
    expect_status("configmap create twice", e, status, 409, "AlreadyExists")
    step("configmap create twice", "409 AlreadyExists")

    read = v1.read_namespaced_config_map(name, NAMESPACE)
    check(read.metadata.uid == created.metadata.uid, f"read: uid {read.metadata.uid} != {created.metadata.uid}")
    check(read.metadata.resource_version == created.metadata.resource_version,
          f"read: rv {read.metadata.resource_version} != {created.metadata.resource_version}")
    check(read.data == created.data, f"read: data {read.data}")
    step("configmap read", f"rv={read.metadata.resource_version}")

    v1.create_namespaced_config_map(NAMESPACE, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="py-cm-other", labels={"app": "other"})))
    listed = v1.list_namespaced_config_map(NAMESPACE, label_selector=LABEL)
    check(isinstance(listed, client.V1ConfigMapList), f"list answered {type(listed).__name__}")
    names = [i.metadata.name for i in listed.items]
    check(names == [name], f"list labelSelector={LABEL}: items {names}, expected [{name!r}]")
    check(bool(listed.metadata.resource_version), "list: no metadata.resourceVersion")
    every = [i.metadata.name for i in v1.list_namespaced_config_map(NAMESPACE).items]
    check(name in every and "py-cm-other" in every, f"list without selector: items {every}")
    v1.delete_namespaced_config_map("py-cm-other", NAMESPACE)
    step("configmap list", f"labelSelector={LABEL} -> {names}, rv={listed.metadata.resource_version}")

    # A dict body: the client sends it as a strategic merge patch.
    patched = v1.patch_namespaced_config_map(name, NAMESPACE, {"data": {"a": "10", "c": "3"}})
    sent = content_types.last_patch()
    check(sent == STRATEGIC_MERGE_PATCH, f"patch with a dict: client sent Content-Type {sent!r}, expected {STRATEGIC_MERGE_PATCH}")
    check(patched.data == {"a": "10", "b": "2", "c": "3"}, f"patch (strategic merge): data {patched.data}")
    check(int(patched.metadata.resource_version) > int(read.metadata.resource_version),
          f"patch: rv {patched.metadata.resource_version} not after {read.metadata.resource_version}")
    step("configmap patch, dict body", f"Content-Type {sent}, data={patched.data}")

    # A list body: the client sends it as a JSON patch.
    patched = v1.patch_namespaced_config_map(name, NAMESPACE, [
        {"op": "test", "path": "/data/b", "value": "2"},
        {"op": "replace", "path": "/data/b", "value": "20"},
        {"op": "add", "path": "/metadata/labels/stage", "value": "json-patch"},
    ])
    sent = content_types.last_patch()
    check(sent == JSON_PATCH, f"patch with a list: client sent Content-Type {sent!r}, expected {JSON_PATCH}")
    check(patched.data == {"a": "10", "b": "20", "c": "3"}, f"patch (JSON patch): data {patched.data}")
    check(patched.metadata.labels == {"app": "py-client", "stage": "json-patch"}, f"patch (JSON patch): labels {patched.metadata.labels}")
    step("configmap patch, list body", f"Content-Type {sent}, data={patched.data}")

    # A failing JSON patch test op: the apiserver answers 422 Invalid.
    e, status = api_error(v1.patch_namespaced_config_map, name, NAMESPACE, [{"op": "test", "path": "/data/b", "value": "nope"}])
    expect_status("configmap JSON patch with a failing test op", e, status, 422, "Invalid")
    step("configmap JSON patch with a failing test op", "422 Invalid")

    # JSON merge patch: null removes a key.
    patched = merge_patch(api, "/api/v1/namespaces/{namespace}/configmaps/{name}", {"namespace": NAMESPACE, "name": name},
                          {"data": {"c": None, "d": "4"}, "metadata": {"labels": {"stage": None}}}, "V1ConfigMap")
    sent = content_types.last_patch()
    check(sent == MERGE_PATCH, f"merge patch: client sent Content-Type {sent!r}")
    check(patched.data == {"a": "10", "b": "20", "d": "4"}, f"patch (merge patch): data {patched.data}")
    check(patched.metadata.labels == {"app": "py-client"}, f"patch (merge patch): labels {patched.metadata.labels}")
    step("configmap patch, merge patch", f"Content-Type {sent}, data={patched.data}")

    current = v1.read_namespaced_config_map(name, NAMESPACE)
    current.data["b"] = "replaced"
    replaced = v1.replace_namespaced_config_map(name, NAMESPACE, current)
    check(replaced.data == {"a": "10", "b": "replaced", "d": "4"}, f"replace: data {replaced.data}")
    check(replaced.metadata.uid == created.metadata.uid, "replace: uid changed")
    check(int(replaced.metadata.resource_version) > int(current.metadata.resource_version),
          f"replace: rv {replaced.metadata.resource_version} not after {current.metadata.resource_version}")
    step("configmap replace", f"rv {current.metadata.resource_version} -> {replaced.metadata.resource_version}")

    stale = read  # still carries the resourceVersion of the create
    stale.data = {"lost": "update"}
    e, status = api_error(v1.replace_namespaced_config_map, name, NAMESPACE, stale)
    expect_status("configmap replace with a stale resourceVersion", e, status, 409, "Conflict")
    after = v1.read_namespaced_config_map(name, NAMESPACE)
    check(after.data == replaced.data, f"stale replace changed the object: data {after.data}")
    step("configmap replace with a stale resourceVersion", f"409 Conflict (rv {stale.metadata.resource_version})")

    deleted = v1.delete_namespaced_config_map(name, NAMESPACE)
    check(isinstance(deleted, client.V1Status), f"delete answered {type(deleted).__name__}")
    check(deleted.kind == "Status" and deleted.status == "Success", f"delete: kind {deleted.kind!r} status {deleted.status!r}")
    check(deleted.details is not None and deleted.details.name == name and deleted.details.uid == created.metadata.uid,
          f"delete: details {deleted.details}")
    step("configmap delete", "Status Success")

    e, status = api_error(v1.read_namespaced_config_map, name, NAMESPACE)
    expect_status("configmap read after delete", e, status, 404, "NotFound")
    step("configmap read after delete", "404 NotFound")


def pod_lifecycle(v1, api, content_types):
    name = "py-pod"
    created = v1.create_namespaced_pod(NAMESPACE, client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels={"app": "py-client"}),
        spec=client.V1PodSpec(containers=[
            client.V1Container(name="main", image="nginx:1.27"),
            client.V1Container(name="side", image="busybox:1.36", command=["sleep", "3600"]),
        ])))
    check(isinstance(created, client.V1Pod), f"create answered {type(created).__name__}, not V1Pod")
    check(bool(created.metadata.uid) and bool(created.metadata.resource_version), "pod create: no uid or resourceVersion")
    check([c.name for c in created.spec.containers] == ["main", "side"], f"pod create: containers {created.spec.containers}")
    step("pod create", f"uid={created.metadata.uid} rv={created.metadata.resource_version}")

    read = v1.read_namespaced_pod(name, NAMESPACE)
    check(read.metadata.uid == created.metadata.uid, "pod read: uid differs")
    check(read.spec.containers[1].command == ["sleep", "3600"], f"pod read: command {read.spec.containers[1].command}")
    step("pod read", f"rv={read.metadata.resource_version} phase={read.status.phase if read.status else None}")

    listed = v1.list_namespaced_pod(NAMESPACE, label_selector=LABEL)
    names = [i.metadata.name for i in listed.items]
    check(names == [name], f"pod list labelSelector={LABEL}: items {names}")
    none = v1.list_namespaced_pod(NAMESPACE, label_selector="app!=py-client")
    check(none.items == [], f"pod list labelSelector=app!=py-client: items {[i.metadata.name for i in none.items]}")
    step("pod list", f"labelSelector={LABEL} -> {names}")

    # Strategic merge patch: containers merge by name, so "side" must survive.
    patched = v1.patch_namespaced_pod(name, NAMESPACE, {"spec": {"containers": [{"name": "main", "image": "nginx:1.28"}]}})
    sent = content_types.last_patch()
    check(sent == STRATEGIC_MERGE_PATCH, f"pod patch with a dict: client sent Content-Type {sent!r}")
    images = {c.name: c.image for c in patched.spec.containers}
    check(images == {"main": "nginx:1.28", "side": "busybox:1.36"},
          f"pod strategic merge patch: containers {images}, expected main=nginx:1.28 and side kept (merge by name)")
    step("pod patch, strategic merge", f"containers {images}")

    current = v1.read_namespaced_pod(name, NAMESPACE)
    current.metadata.labels["tier"] = "front"
    replaced = v1.replace_namespaced_pod(name, NAMESPACE, current)
    check(replaced.metadata.labels == {"app": "py-client", "tier": "front"}, f"pod replace: labels {replaced.metadata.labels}")
    check(int(replaced.metadata.resource_version) > int(current.metadata.resource_version), "pod replace: rv did not move")
    step("pod replace", f"rv {current.metadata.resource_version} -> {replaced.metadata.resource_version}")

    stale = read
    stale.metadata.labels["tier"] = "lost"
    e, status = api_error(v1.replace_namespaced_pod, name, NAMESPACE, stale)
    expect_status("pod replace with a stale resourceVersion", e, status, 409, "Conflict")
    step("pod replace with a stale resourceVersion", "409 Conflict")

    # An unscheduled pod goes at once; the apiserver answers the deleted pod.
    deleted = v1.delete_namespaced_pod(name, NAMESPACE)
    check(isinstance(deleted, client.V1Pod), f"pod delete answered {type(deleted).__name__}")
    check(deleted.metadata.name == name and deleted.metadata.uid == created.metadata.uid, f"pod delete: answered {deleted.metadata}")
    step("pod delete", "answered the deleted pod")

    e, status = api_error(v1.read_namespaced_pod, name, NAMESPACE)
    expect_status("pod read after delete", e, status, 404, "NotFound")
    step("pod read after delete", "404 NotFound")


def config_map_watch(v1):
    name = "py-watched"
    start = v1.list_namespaced_config_map(NAMESPACE)
    from_rv = start.metadata.resource_version
    check(bool(from_rv), "watch: the list has no resourceVersion to watch from")

    # Made before the watch starts: the server must replay it from the list's resourceVersion.
    v1.create_namespaced_config_map(NAMESPACE, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data={"k": "v1"}))

    live_changes_error = []

    def change_while_watching():
        try:
            v1.patch_namespaced_config_map(name, NAMESPACE, {"data": {"k": "v2"}})
            v1.delete_namespaced_config_map(name, NAMESPACE)
        except Exception as e:  # reported by the main thread
            live_changes_error.append(e)

    changer = threading.Thread(target=change_while_watching, daemon=True)
    events = []
    began = time.monotonic()
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_config_map, namespace=NAMESPACE, resource_version=from_rv,
                          timeout_seconds=WATCH_TIMEOUT_SECONDS,
                          _request_timeout=WATCH_TIMEOUT_SECONDS + WATCH_GRACE_SECONDS):
        obj = event["object"]
        check(isinstance(obj, client.V1ConfigMap), f"watch: event object is {type(obj).__name__}: {event.get('raw_object')}")
        events.append((event["type"], obj.metadata.name, obj.metadata.resource_version, dict(obj.data or {})))
        # The watch is open once the replayed ADDED arrives: the rest is made live.
        if event["type"] == "ADDED" and obj.metadata.name == name and changer.ident is None:
            changer.start()
        if time.monotonic() - began > WATCH_TIMEOUT_SECONDS + WATCH_GRACE_SECONDS:
            break
    elapsed = time.monotonic() - began
    if changer.ident is not None:
        changer.join(timeout=30)
    check(not live_changes_error, f"watch: the changes made while watching failed: {live_changes_error}")

    mine = [(t, rv, data) for (t, n, rv, data) in events if n == name]
    kinds = [t for (t, _, _) in mine]
    check(kinds == ["ADDED", "MODIFIED", "DELETED"], f"watch from rv {from_rv}: events for {name} {kinds}, all events {events}")
    check(mine[0][2] == {"k": "v1"} and mine[1][2] == {"k": "v2"}, f"watch: event data {[d for (_, _, d) in mine]}")
    rvs = [int(rv) for (_, rv, _) in mine]
    check(rvs == sorted(rvs) and len(set(rvs)) == 3 and rvs[0] > int(from_rv),
          f"watch: resourceVersions {rvs} not increasing after {from_rv}")
    others = [(t, n) for (t, n, _, _) in events if n != name]
    check(others == [], f"watch from rv {from_rv}: unexpected events {others}")
    check(elapsed < WATCH_TIMEOUT_SECONDS + WATCH_GRACE_SECONDS,
          f"watch: the stream was still open after {elapsed:.1f} s (timeoutSeconds={WATCH_TIMEOUT_SECONDS})")
    step("configmap watch", f"from rv {from_rv}: {kinds} at rvs {rvs}; server closed the stream after {elapsed:.1f} s")


def main(argv):
    if len(argv) != 2:
        print("usage: client_lifecycle.py SERVER_URL", file=sys.stderr)
        return 2

    urllib3.disable_warnings()
    configuration = client.Configuration()
    configuration.host = argv[1].rstrip("/")
    configuration.verify_ssl = False
    api = client.ApiClient(configuration)
    content_types = SentContentTypes(api.rest_client)
    v1 = client.CoreV1Api(api)

    import kubernetes
    print(f"python kubernetes client {kubernetes.__version__} against {configuration.host}", flush=True)
    try:
        config_map_lifecycle(v1, api, content_types)
        pod_lifecycle(v1, api, content_types)
        config_map_watch(v1)
    except CheckFailed as e:
        print(f"FAIL {e}", file=sys.stderr, flush=True)
        return 1
    except ApiException as e:
        print(f"FAIL unexpected API error: HTTP {e.status} {e.reason}\nbody: {e.body}", file=sys.stderr, flush=True)
        traceback.print_exc()
        return 1
    except Exception:
        print("FAIL unexpected error", file=sys.stderr, flush=True)
        traceback.print_exc()
        return 2

    print("all steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
