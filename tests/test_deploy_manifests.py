"""The scale-out files: compose.yaml and deploy/kubernetes/, checked offline.

The Kubernetes manifests are validated against the bundled OpenAPI schemas of `kubernetes-validate`
(strict: an unknown field is an error), then read for what the deployment promises: probes on
/healthz, non-root and read-only, resources, topology spread, and that the pieces refer to each
other (labels, names, ports). The compose file is read for the same promises.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.limits import MAX_BODY_BYTES
from bench.proxy import BEHIND_PROXY_ARGS, TEMPLATE

ROOT = Path(__file__).resolve().parent.parent
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.37.0"
NAME = "convlstm-cost-explorer"


def manifests() -> dict[str, dict]:
    """Every Kubernetes resource in deploy/kubernetes/, by kind (one of each)."""
    resources = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            assert document["kind"] not in resources, f"two {document['kind']}s"
            resources[document["kind"]] = document
    return resources


def behind_proxy_env() -> dict[str, str]:
    """bench/proxy.py's uvicorn flags (what the front-door test runs) as UVICORN_* variables."""
    flags = dict(zip(BEHIND_PROXY_ARGS[::2], BEHIND_PROXY_ARGS[1::2], strict=True))
    return {
        "UVICORN_LIMIT_CONCURRENCY": flags["--limit-concurrency"],
        "UVICORN_TIMEOUT_KEEP_ALIVE": flags["--timeout-keep-alive"],
    }


@pytest.mark.parametrize("path", sorted(KUBERNETES.glob("*.yaml")), ids=lambda p: p.name)
def test_each_manifest_is_valid_against_the_kubernetes_schemas(path):
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed (pip install '.[test]')"
    )
    for document in yaml.safe_load_all(path.read_text()):
        if document["kind"] == "Kustomization":  # kustomize's own file, not an API resource
            assert set(document["resources"]) == {
                p.name for p in KUBERNETES.glob("*.yaml") if p.name != path.name
            }
            continue
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_schema_validation_catches_a_misspelt_field():
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    deployment = manifests()["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_pods_are_probed_on_healthz_non_root_read_only_and_bounded():
    pod = manifests()["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} == {
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    }
    env = {item["name"]: item["value"] for item in container["env"]}
    assert behind_proxy_env().items() <= env.items()


def test_the_pieces_refer_to_each_other():
    resources = manifests()
    deployment, service = resources["Deployment"], resources["Service"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert resources["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= (
        pod_labels.items()
    )
    assert resources["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"].items() <= (
        pod_labels.items()
    )
    target = resources["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    (metric,) = resources["HorizontalPodAutoscaler"]["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    backend = resources["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert service["spec"]["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}


def test_the_ingress_and_the_proxy_enforce_the_apps_body_limit():
    annotations = manifests()["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "2m"
    assert "client_max_body_size 2m;" in TEMPLATE.read_text()
    assert MAX_BODY_BYTES == 2 * 1024 * 1024
    assert annotations["nginx.ingress.kubernetes.io/proxy-buffer-size"] == "128k"
    for timeout in ("connect", "send", "read"):
        assert f"nginx.ingress.kubernetes.io/proxy-{timeout}-timeout" in annotations


# compose.yaml


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_puts_the_proxy_in_front_of_replicas_that_publish_nothing(compose):
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    assert "ports" not in app and "container_name" not in app  # --scale app=N needs both
    assert proxy["ports"] == ["8080:8080"]
    assert proxy["environment"]["UPSTREAMS"] == "app:8000"
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert (ROOT / proxy["build"] / "Dockerfile").is_file()
    assert app["build"] == "."
    assert behind_proxy_env().items() <= app["environment"].items()


@pytest.mark.parametrize("service", ["app", "proxy"])
def test_compose_services_are_read_only_non_root_bounded_and_health_checked(compose, service):
    spec = compose["services"][service]
    assert spec["read_only"] is True
    assert not spec["user"].startswith("0")
    assert spec["cap_drop"] == ["ALL"]
    assert any(mount.startswith("/tmp") for mount in spec["tmpfs"])
    assert {"cpus", "memory"} <= set(spec["deploy"]["resources"]["limits"])
    assert spec["healthcheck"]["test"][0] == "CMD"


def test_the_proxy_image_is_built_from_the_only_base_image_ci_has():
    dockerfile = (ROOT / "deploy" / "nginx" / "Dockerfile").read_text()
    assert [line for line in dockerfile.splitlines() if line.startswith("FROM ")] == [
        "FROM python:3.11-slim"
    ]
    assert "USER 10002:10002" in dockerfile and "HEALTHCHECK" in dockerfile
