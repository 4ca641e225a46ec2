"""deploy/k8s: rendered with kustomize (kubectl's) and validated offline against the Kubernetes API schemas.

kubernetes-validate bundles the OpenAPI-derived JSON schemas of every Kubernetes release, so
no cluster is needed. It knows no custom resources: the RabbitmqCluster is checked here by
structure (its fields as the RabbitMQ Cluster Operator's CRD names them), and its pod-template
override is validated as a real PodSpec.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from services.chassis.config import PROJECT_ROOT

K8S = PROJECT_ROOT / "deploy" / "k8s"
TARGETS = ("base", "overlays/staging", "overlays/production")
# The oldest Kubernetes minor still maintained when this was written, and the newest schema bundled.
K8S_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())
NAMEKO_SERVICES = sorted(p.parent.name for p in (PROJECT_ROOT / "services").glob("*/service.py")
                         if p.parent.name != "chassis")
SECRET_LOOKING = re.compile(r"PASSWORD|SECRET|TOKEN|DATABASE_URL|AMQP_URI|_KEY$")

RABBITMQ_SPEC_FIELDS = {"replicas", "image", "imagePullSecrets", "service", "persistence", "resources", "affinity",
                        "tolerations", "rabbitmq", "tls", "override", "skipPostDeploySteps",
                        "terminationGracePeriodSeconds", "delayStartSeconds", "secretBackend",
                        "autoEnableAllFeatureFlags"}
RABBITMQ_CONFIG_FIELDS = {"additionalPlugins", "additionalConfig", "advancedConfig", "envConfig", "erlangInetConfig"}


@functools.lru_cache(maxsize=None)
def render(target: str) -> tuple[dict, ...]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (it carries kustomize) is needed to render deploy/k8s; install it from your packages"
    result = subprocess.run([kubectl, "kustomize", str(K8S / target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def by_kind(docs, kind) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_every_manifest_file_parses_and_names_its_resources():
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc and {"apiVersion", "kind"} <= set(doc), path
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], path


def check_rabbitmq_cluster(doc: dict, version: str) -> list[str]:
    errors = []
    spec = doc.get("spec", {})
    if doc["apiVersion"] != "rabbitmq.com/v1beta1":
        errors.append(f"RabbitmqCluster apiVersion {doc['apiVersion']}")
    errors += [f"RabbitmqCluster: unknown spec field {f}" for f in set(spec) - RABBITMQ_SPEC_FIELDS]
    errors += [f"RabbitmqCluster: unknown spec.rabbitmq field {f}"
               for f in set(spec.get("rabbitmq", {})) - RABBITMQ_CONFIG_FIELDS]
    if not isinstance(spec.get("replicas"), int) or spec["replicas"] < 1:
        errors.append("RabbitmqCluster: replicas must be a positive integer")
    pod_spec = spec.get("override", {}).get("statefulSet", {}).get("spec", {}).get("template", {}).get("spec")
    if pod_spec is not None:
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "override"}, "spec": pod_spec}
        try:
            kubernetes_validate.validate(pod, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"RabbitmqCluster override pod spec: {exc.message}")
    return errors


def validation_errors(docs, version: str) -> list[str]:
    errors = []
    for doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] == "RabbitmqCluster":
            errors += check_rabbitmq_cluster(doc, version)
            continue
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{name}: {'.'.join(map(str, exc.path))}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{name}: {exc.message}")
    return errors


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("target", TARGETS)
def test_the_rendered_manifests_are_valid_kubernetes_objects(target, version):
    assert validation_errors(render(target), version) == []


def test_the_validation_has_teeth():
    deployment = dict(by_kind(render("overlays/production"), "Deployment")["sportello-gateway"])
    deployment["spec"] = dict(deployment["spec"], replicas="three")
    assert validation_errors([deployment], K8S_VERSIONS[0])
    probe_typo = yaml.safe_load(yaml.safe_dump(by_kind(render("base"), "Deployment")["sportello-orders"]))
    probe_typo["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["periodSecond"] = 5
    assert validation_errors([probe_typo], K8S_VERSIONS[0])  # strict: unknown fields are errors
    cluster = dict(by_kind(render("base"), "RabbitmqCluster")["sportello-rabbitmq"])
    cluster["spec"] = dict(cluster["spec"], replica=3)
    assert validation_errors([cluster], K8S_VERSIONS[0])


@pytest.mark.parametrize("target", TARGETS)
def test_every_service_and_the_gateway_has_a_deployment_with_probes_resources_and_a_budget(target):
    docs = render(target)
    deployments = by_kind(docs, "Deployment")
    budgets = list(by_kind(docs, "PodDisruptionBudget").values())
    assert NAMEKO_SERVICES == ["accounts", "catalog", "messaging", "orders", "returns"]
    for name in [*NAMEKO_SERVICES, "gateway"]:
        deployment = deployments.get(f"sportello-{name}")
        assert deployment, f"{target}: no Deployment for {name}"
        pod = deployment["spec"]["template"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
        (container,) = pod["spec"]["containers"]
        assert container["args"] == ["serve", name]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{name}: resources.{kind}"
        for probe in ("livenessProbe", "readinessProbe"):
            assert probe in container, f"{name}: no {probe}"
            if name == "gateway":
                assert container[probe]["httpGet"]["path"] == "/health/live"
            else:
                assert container[probe]["exec"]["command"][:3] == ["sportello", "probe", name]
        matching = [b for b in budgets
                    if b["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()]
        assert len(matching) == 1, f"{target}: {name} needs one PodDisruptionBudget"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("target", TARGETS)
def test_each_service_reads_only_its_own_database_and_no_secret_is_written_down(target):
    docs = render(target)
    assert by_kind(docs, "Secret") == {}, "Secrets are made in the cluster, never kept in the repository"
    for configmap in by_kind(docs, "ConfigMap").values():
        assert not [k for k in configmap.get("data", {}) if SECRET_LOOKING.search(k)]
    for workload in [*by_kind(docs, "Deployment").values(), *by_kind(docs, "Job").values()]:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for env in container.get("env", []):
                if SECRET_LOOKING.search(env["name"]):
                    assert "valueFrom" in env and "value" not in env, f"{env['name']} written down"
    for name in NAMEKO_SERVICES:
        container = by_kind(docs, "Deployment")[f"sportello-{name}"]["spec"]["template"]["spec"]["containers"][0]
        databases = [e for e in container["env"] if e["name"].endswith("_DATABASE_URL")]
        assert [(e["name"], e["valueFrom"]["secretKeyRef"]["key"]) for e in databases] == [
            (f"{name.upper()}_DATABASE_URL", name)]


@pytest.mark.parametrize("target", TARGETS)
def test_the_release_jobs_and_the_way_in(target):
    docs = render(target)
    jobs = by_kind(docs, "Job")
    assert jobs["sportello-migrate"]["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    assert jobs["sportello-declare-queues"]["spec"]["template"]["spec"]["containers"][0]["args"] == ["broker", "setup"]
    migrate_env = {e["name"] for e in jobs["sportello-migrate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert migrate_env == {f"{name.upper()}_DATABASE_URL" for name in NAMEKO_SERVICES}

    service = by_kind(docs, "Service")["sportello-gateway"]
    gateway = by_kind(docs, "Deployment")["sportello-gateway"]["spec"]["template"]
    assert service["spec"]["selector"].items() <= gateway["metadata"]["labels"].items()
    port_names = {p["name"] for p in gateway["spec"]["containers"][0]["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in port_names
    (ingress,) = by_kind(docs, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "sportello-gateway" and backend["port"]["name"] == service["spec"]["ports"][0]["name"]


def test_production_runs_every_process_on_several_pods_and_rabbitmq_on_three_nodes_with_quorum_queues():
    docs = render("overlays/production")
    for name, deployment in by_kind(docs, "Deployment").items():
        assert deployment["spec"]["replicas"] >= 2, name
    assert all(d["metadata"]["namespace"] == "sportello" for d in docs)
    cluster = by_kind(docs, "RabbitmqCluster")["sportello-rabbitmq"]
    assert cluster["spec"]["replicas"] == 3
    assert "default_queue_type = quorum" in cluster["spec"]["rabbitmq"]["additionalConfig"]
    # The operator labels its pods with the cluster's name; a drain keeps a majority of them.
    budget = by_kind(docs, "PodDisruptionBudget")["sportello-rabbitmq"]["spec"]
    assert budget["maxUnavailable"] == 1
    assert budget["selector"]["matchLabels"] == {"app.kubernetes.io/name": cluster["metadata"]["name"]}
    assert ":latest" not in yaml.safe_dump_all(docs)
    (ingress,) = by_kind(docs, "Ingress").values()
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    assert by_kind(docs, "HorizontalPodAutoscaler")["sportello-gateway"]["spec"]["minReplicas"] >= 2


def test_staging_is_small_and_keeps_its_mail():
    docs = render("overlays/staging")
    assert all(d["spec"]["replicas"] == 1 for d in by_kind(docs, "Deployment").values())
    assert by_kind(docs, "RabbitmqCluster")["sportello-rabbitmq"]["spec"]["replicas"] == 1
    config = by_kind(docs, "ConfigMap")["sportello-config"]["data"]
    assert (config["SMTP_HOST"], config["SMTP_PORT"]) == ("mailpit", "1025")
    assert "mailpit" in by_kind(docs, "Service")


@pytest.mark.parametrize("target", TARGETS)
def test_every_process_has_its_own_broker_user_and_only_the_setup_job_the_operator_s(target):
    docs = render(target)
    for name in (*NAMEKO_SERVICES, "gateway"):
        container = by_kind(docs, "Deployment")[f"sportello-{name}"]["spec"]["template"]["spec"]["containers"][0]
        (amqp,) = [e for e in container["env"] if e["name"] == "AMQP_URI"]
        assert amqp["valueFrom"]["secretKeyRef"] == {"name": "sportello-broker", "key": name}
    jobs = by_kind(docs, "Job")
    setup_env = {e["name"]: e for e in jobs["sportello-declare-queues"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert setup_env["AMQP_URI"]["valueFrom"]["secretKeyRef"] == {"name": "sportello-broker", "key": "operator"}
    assert {f"SPORTELLO_BROKER_URI_{name.upper()}" for name in (*NAMEKO_SERVICES, "gateway")} <= set(setup_env)
    migrate = jobs["sportello-migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert "AMQP_URI" not in {e["name"] for e in migrate["env"]}


# -- X-Forwarded-For is believed only from proxies an overlay names (REVIEW R23) ---------------------
@pytest.mark.parametrize("target", TARGETS)
def test_no_proxy_is_trusted_until_an_overlay_names_the_ingress_controller(target):
    assert by_kind(render(target), "ConfigMap")["sportello-config"]["data"]["SPORTELLO_TRUSTED_PROXIES"] == ""


def documented_trusted_proxies_patch() -> list:
    """The overlay patch deploy/README.md shows for SPORTELLO_TRUSTED_PROXIES."""
    readme = (PROJECT_ROOT / "deploy" / "README.md").read_text()
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "SPORTELLO_TRUSTED_PROXIES" in b]
    return yaml.safe_load(block)["patches"]


def test_the_documented_overlay_patch_reaches_the_gateway_and_is_a_valid_setting(tmp_path):
    from services.chassis.config import load_settings

    overlay = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
               "resources": [os.path.relpath(K8S / "overlays" / "production", tmp_path)],
               "patches": documented_trusted_proxies_patch()}
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(overlay))
    result = subprocess.run([shutil.which("kubectl"), "kustomize", str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    value = by_kind(docs, "ConfigMap")["sportello-config"]["data"]["SPORTELLO_TRUSTED_PROXIES"]
    assert value and load_settings({"SPORTELLO_TRUSTED_PROXIES": value}).trusted_proxies == (value,)
    gateway = by_kind(docs, "Deployment")["sportello-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert {"configMapRef": {"name": "sportello-config"}} in gateway["envFrom"]


def test_production_runs_in_production_mode_and_its_settings_pass_the_mode_s_checks():
    from services.chassis.config import load_settings
    from services.chassis.production import production_problems

    (configmap,) = by_kind(render("overlays/production"), "ConfigMap").values()
    assert configmap["data"]["SPORTELLO_ENV"] == "production"
    # What the Secrets add (never in the repository): a long identity secret, a service's own broker user.
    environ = {**configmap["data"], "SPORTELLO_IDENTITY_SECRET": "x" * 48,
               "AMQP_URI": "pyamqp://sportello-orders:secret@sportello-rabbitmq:5672/"}
    assert production_problems(load_settings({k: v for k, v in environ.items() if v})) == []
