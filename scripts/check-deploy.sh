#!/usr/bin/env bash
# Checks the deployment files without a container engine or a cluster:
#
#   1. every YAML file under deploy/ and charts/openmtm (templates aside)
#      parses, and the hardening we promise is really there: in compose.yaml
#      every OpenMTM container is read-only, non-root (65532), drops all
#      capabilities and has no-new-privileges; in every Kubernetes
#      Deployment each container has the restricted securityContext,
#      resources and liveness/readiness probes (gRPC for services, HTTP for
#      the gateway). In both, every --upstream API=HOST:PORT names that
#      API's own service and port, and a service that calls another (CALLS
#      below: targeting calls eligibility) has its --upstream and gets
#      OPENMTM_SERVICE_KEY from a secret. Needs python3 with PyYAML; skipped,
#      saying so, if absent.
#   2. helm lint --strict and helm template of charts/openmtm (default values
#      and a variant with the optional parts switched on), with the rendered
#      manifests put through the same checks; a misspelt service, or a
#      service enabled without one it calls, must be refused. Skipped,
#      saying so, when helm is not on PATH (Debian does not package it; `go
#      install helm.sh/helm/v3/cmd/helm@latest` outside this repo builds one).
#
# Exits non-zero on the first failing step. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

have_pyyaml=0
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  have_pyyaml=1
fi

# The checker: python3 check.py compose|k8s FILE...
cat >"$tmp/check.py" <<'PY'
import sys
import yaml

mode, files = sys.argv[1], sys.argv[2:]
problems = []

# Who calls whom over gRPC, the gateway aside (charts/openmtm's
# openmtm.calls says the same).
CALLS = {"targeting": ["eligibility"]}

def bad(where, what):
    problems.append(f"{where}: {what}")

def check_calls(where, args, key_from_secret, targets):
    """args are `serve NAME ...`; targets maps HOST:PORT to the component
    listening there."""
    ups = dict(str(v).partition("=")[::2] for f, v in zip(args, args[1:]) if f == "--upstream")
    name = args[1] if len(args) > 1 else None
    for callee in CALLS.get(name, []):
        if callee not in ups:
            bad(where, f"calls {callee} but has no --upstream {callee}=HOST:PORT")
    if name in CALLS and not key_from_secret:
        bad(where, "calls other services but gets no OPENMTM_SERVICE_KEY from a secret")
    for api, addr in ups.items():
        if targets.get(addr) != api:
            bad(where, f"--upstream {api}={addr}: not where {api} listens")

def check_compose(path, doc):
    services = doc.get("services") or {}
    if not services:
        bad(path, "no services")
    targets = {}
    for name, svc in services.items():
        cmd = svc.get("command") or []
        port = str((svc.get("environment") or {}).get("OPENMTM_GRPC", "")).rpartition(":")[2]
        if cmd[:1] == ["serve"] and len(cmd) > 1 and port:
            targets[f"{name}:{port}"] = cmd[1]
    for name, svc in services.items():
        where = f"{path}: services.{name}"
        if "healthcheck" not in svc:
            bad(where, "no healthcheck")
        image = str(svc.get("image", ""))
        if not ("openmtm" in image or "build" in svc):
            continue  # postgres, nats: hardened as far as their images allow
        if str(svc.get("user")) != "65532:65532":
            bad(where, "user is not 65532:65532")
        if svc.get("read_only") is not True:
            bad(where, "read_only is not true")
        if svc.get("cap_drop") != ["ALL"]:
            bad(where, "cap_drop is not [ALL]")
        if "no-new-privileges:true" not in (svc.get("security_opt") or []):
            bad(where, "no no-new-privileges")
        cmd = svc.get("command") or []
        if cmd[:1] != ["serve"]:
            bad(where, f"command {cmd} is not `serve <name>`")
        # From the environment or deploy/.env, required: never a default.
        key = str((svc.get("environment") or {}).get("OPENMTM_SERVICE_KEY", ""))
        check_calls(where, cmd, key.startswith("${") and ":?" in key, targets)
        for dep, cond in (svc.get("depends_on") or {}).items():
            if (cond or {}).get("condition") != "service_healthy":
                bad(where, f"depends_on {dep} without condition service_healthy")

def check_container(where, c, gateway):
    sc = c.get("securityContext") or {}
    want = {
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
    }
    for k, v in want.items():
        if sc.get(k) != v:
            bad(where, f"securityContext.{k} is {sc.get(k)!r}, want {v!r}")
    if (sc.get("capabilities") or {}).get("drop") != ["ALL"]:
        bad(where, "capabilities.drop is not [ALL]")
    if (sc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        bad(where, "seccompProfile is not RuntimeDefault")
    res = c.get("resources") or {}
    for part in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in (res.get(part) or {}):
                bad(where, f"no resources.{part}.{r}")
    kind = "httpGet" if gateway else "grpc"
    for probe in ("livenessProbe", "readinessProbe"):
        if kind not in (c.get(probe) or {}):
            bad(where, f"{probe} is not a {kind} probe")
    if str(c.get("image", "")).endswith(":latest"):
        bad(where, "image uses :latest")

def service_targets(docs):
    """HOST:PORT -> component of every Kubernetes Service in docs."""
    targets = {}
    for doc in docs:
        if doc.get("kind") != "Service":
            continue
        component = (doc["spec"].get("selector") or {}).get("app.kubernetes.io/component")
        for p in doc["spec"].get("ports") or []:
            targets[f"{doc['metadata']['name']}:{p['port']}"] = component
    return targets

def check_k8s(path, doc, targets):
    if doc.get("kind") != "Deployment":
        return
    name = doc["metadata"]["name"]
    spec = doc["spec"]["template"]["spec"]
    if (spec.get("securityContext") or {}).get("runAsNonRoot") is not True:
        bad(f"{path}: {name}", "pod securityContext.runAsNonRoot is not true")
    containers = spec.get("containers") or []
    if not containers:
        bad(f"{path}: {name}", "no containers")
    for c in containers:
        args = c.get("args") or []
        where = f"{path}: {name}/{c.get('name')}"
        check_container(where, c, args[:2] == ["serve", "gateway"])
        ref = next(((e.get("valueFrom") or {}).get("secretKeyRef") or {}
                    for e in c.get("env") or [] if e.get("name") == "OPENMTM_SERVICE_KEY"), {})
        check_calls(where, args, bool(ref) and not ref.get("optional"), targets)

# Parse everything first: a Deployment's --upstream may name a Service
# from another file.
parsed = []
for path in files:
    try:
        with open(path) as f:
            parsed.append((path, [d for d in yaml.safe_load_all(f) if d is not None]))
    except yaml.YAMLError as e:
        bad(path, f"does not parse: {e}")
targets = service_targets(d for _, docs in parsed for d in docs) if mode == "k8s" else {}
for path, docs in parsed:
    for doc in docs:
        if mode == "compose":
            check_compose(path, doc)
        elif mode == "k8s":
            check_k8s(path, doc, targets)

for p in problems:
    print("  " + p)
if problems:
    sys.exit(1)
print(f"  ok: {len(files)} file(s)")
PY

# --- 1. YAML under deploy/ and the chart's own YAML --------------------------
if [ "$have_pyyaml" = 1 ]; then
  echo "== YAML: parse everything"
  mapfile -t yamls < <(find deploy charts/openmtm -path charts/openmtm/templates -prune -o \
    \( -name '*.yaml' -o -name '*.yml' \) -type f -print | sort)
  python3 "$tmp/check.py" parse "${yamls[@]}"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' charts/openmtm/values.schema.json
  echo "== compose: hardening, healthchecks, depends_on, upstreams"
  python3 "$tmp/check.py" compose deploy/compose.yaml
  echo "== kubernetes: securityContext, resources, probes, upstreams"
  python3 "$tmp/check.py" k8s deploy/kubernetes/*.yaml
else
  echo "SKIP YAML checks: python3 with PyYAML not found"
fi

# --- 2. Helm -----------------------------------------------------------------
if command -v helm >/dev/null 2>&1; then
  echo "== helm lint"
  helm lint --strict charts/openmtm
  echo "== helm template (defaults)"
  helm template openmtm charts/openmtm --namespace openmtm >"$tmp/default.yaml"
  echo "== helm template (ingress, digest, per-service PDB, a service disabled)"
  helm template openmtm charts/openmtm --namespace openmtm \
    --set gateway.ingress.enabled=true \
    --set gateway.ingress.className=nginx \
    --set 'gateway.ingress.tls[0].secretName=openmtm-tls' \
    --set 'gateway.ingress.tls[0].hosts[0]=openmtm.example.com' \
    --set image.digest=sha256:0000000000000000000000000000000000000000000000000000000000000000 \
    --set services.eligibility.pdb.enabled=true \
    --set services.billing.enabled=false \
    --set otel.endpoint=http://otel-collector:4317 >"$tmp/variant.yaml"
  if grep -q 'openmtm-billing' "$tmp/variant.yaml"; then
    echo "  disabled service billing still rendered (or still an upstream)" >&2
    exit 1
  fi
  echo "== helm template: a misspelt service must be refused"
  if helm template openmtm charts/openmtm --set services.eligibilty.enabled=true >/dev/null 2>&1; then
    echo "  services.eligibilty was accepted" >&2
    exit 1
  fi
  echo "== helm template: targeting without eligibility must be refused"
  if helm template openmtm charts/openmtm --set services.eligibility.enabled=false >/dev/null 2>&1; then
    echo "  targeting was rendered without eligibility, the service it calls" >&2
    exit 1
  fi
  echo "  ok"
  if [ "$have_pyyaml" = 1 ]; then
    echo "== rendered chart: securityContext, resources, probes, upstreams"
    python3 "$tmp/check.py" k8s "$tmp/default.yaml" "$tmp/variant.yaml"
  fi
else
  echo "SKIP helm lint/template: helm not on PATH"
fi

echo "check-deploy: all checks passed"
