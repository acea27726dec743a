"""The deployment recipe (Dockerfile, compose.yaml, docs/deploy/): the topology it describes, checked without docker.

Where docker compose or Caddy is installed, each also reads its file as it would at a start.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.test_layering import LAYERS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
CADDYFILE = ROOT / "docs" / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROOT / "docs" / "deploy" / "env.example"
SECRETS_IN_IMAGE = "/app/.streamlit/secrets.toml"  # where Streamlit looks: .streamlit/ of the working directory
APP_PORT = 8501


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def replicas(compose: dict) -> dict[str, dict]:
    """The app processes: the services built from this repository that run the image's own command (the app)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build") == "." and "command" not in service
    }


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instruction(name: str) -> list[str]:
    """The arguments of each Dockerfile instruction ``name``, continuation lines joined."""
    text = dockerfile().replace("\\\n", " ")
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.+)$", text, re.MULTILINE)]


def test_the_image_runs_the_app_as_an_unprivileged_user_with_chromium():
    """Not root; Chromium for the image export; every part of the app copied; the app on its port."""
    users = instruction("USER")
    assert users and users[-1] not in ("root", "0")
    assert any("chromium" in run.split() for run in instruction("RUN"))
    copied = {part for copy in instruction("COPY") for part in copy.split()[:-1]}
    assert {"requirements.txt", "app.py", ".streamlit/config.toml", *LAYERS} <= copied
    command = json.loads(instruction("CMD")[-1])
    assert command[:3] == ["streamlit", "run", "app.py"]
    assert f"--server.port={APP_PORT}" in command and "--server.address=0.0.0.0" in command


def test_the_image_is_healthy_when_the_command_line_finds_the_database_ready():
    """The health check asks the workbench's own command line whether its database is ready."""
    (check,) = instruction("HEALTHCHECK")
    assert check.endswith('CMD ["python", "-m", "store.cli", "check"]')


def test_no_secret_and_no_data_go_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".streamlit/secrets.toml", ".env", "data", ".venv", ".git"} <= set(ignored)


def test_two_app_processes_share_one_database_and_one_sign_in_secret(compose):
    """At least two app processes, each on the same PostgreSQL URL and with the same secrets file (the sign-in's
    cookie_secret), mounted where Streamlit reads it."""
    apps = replicas(compose)
    assert len(apps) >= 2
    urls = {service["environment"]["JOURNEYS_DB_URL"] for service in apps.values()}
    mounts = {json.dumps(service["secrets"], sort_keys=True) for service in apps.values()}
    assert len(urls) == 1 and len(mounts) == 1
    (secret,) = apps[next(iter(apps))]["secrets"]
    assert secret["target"] == SECRETS_IN_IMAGE
    assert compose["secrets"][secret["source"]]["file"] == "./.streamlit/secrets.toml"  # README, "Access control"
    url = make_url(urls.pop().replace("${JOURNEYS_DB_PASSWORD:?set JOURNEYS_DB_PASSWORD in .env}", "secret"))
    db = compose["services"]["db"]["environment"]
    assert (url.get_backend_name(), url.host, url.database, url.username) == (
        "postgresql", "db", db["POSTGRES_DB"], db["POSTGRES_USER"],
    )  # fmt: skip
    assert all(service["depends_on"]["db"]["condition"] == "service_healthy" for service in apps.values())


def test_the_database_keeps_its_data_in_a_volume(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    volume, target = db["volumes"][0].split(":")[:2]
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_proxy_sends_every_app_process_its_share_of_browsers(compose):
    """Caddy, with the repository's Caddyfile, in front of exactly the app processes, on their port."""
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert "./docs/deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    upstreams = proxy["environment"]["JOURNEYS_REPLICAS"].split()
    assert sorted(upstreams) == sorted(f"{name}:{APP_PORT}" for name in replicas(compose))
    assert set(proxy["depends_on"]) == set(replicas(compose))


def test_the_caddyfile_keeps_each_browser_on_one_process():
    """Sticky sessions by a cookie of Caddy's, and Streamlit's health endpoint for the active health check."""
    caddyfile = CADDYFILE.read_text(encoding="utf-8")
    directives = [line.split("#")[0].split() for line in caddyfile.splitlines()]
    assert ["lb_policy", "cookie", "journeys_replica"] in directives
    assert ["health_uri", "/_stcore/health"] in directives


def caddy_config(environment: dict[str, str]) -> dict:
    """The Caddyfile as Caddy reads it (its JSON config), with these environment variables."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    adapted = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={"PATH": os.environ["PATH"], **environment}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert adapted.returncode == 0, adapted.stderr
    return json.loads(adapted.stdout)


def test_caddy_reads_the_caddyfile_with_the_compose_settings(compose):
    """Caddy itself reads the Caddyfile with compose's settings: a proxy to the two processes, sticky by cookie,
    health-checked on Streamlit's endpoint, on the address given (HTTPS for a domain name)."""
    settings = compose["services"]["proxy"]["environment"] | {"JOURNEYS_SITE": "journeys.example.org"}
    (server,) = caddy_config(settings)["apps"]["http"]["servers"].values()
    (route,) = server["routes"]
    assert route["match"] == [{"host": ["journeys.example.org"]}]
    (proxy,) = [h for h in route["handle"][0]["routes"][0]["handle"] if h["handler"] == "reverse_proxy"]
    assert [u["dial"] for u in proxy["upstreams"]] == settings["JOURNEYS_REPLICAS"].split()
    assert proxy["load_balancing"]["selection_policy"] == {"name": "journeys_replica", "policy": "cookie"}
    assert proxy["health_checks"]["active"]["uri"] == "/_stcore/health"


def test_every_setting_of_the_compose_file_is_in_the_example():
    """Each variable compose.yaml reads from .env is in docs/deploy/env.example, where it is explained."""
    used = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8")))
    example = {line.split("=")[0] for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines() if "=" in line}
    assert used and used <= example


def test_the_backup_job_writes_archives_with_the_command_line_into_a_volume(compose):
    backup = compose["services"]["backup"]
    apps = replicas(compose)
    assert backup["image"] == next(iter(apps.values()))["image"]
    assert backup["environment"]["JOURNEYS_DB_URL"] == next(iter(apps.values()))["environment"]["JOURNEYS_DB_URL"]
    script = backup["command"][-1]
    assert 'python -m store.cli backup "/backups/' in script
    volume, target = backup["volumes"][0].split(":")[:2]
    assert target == "/backups" and volume in compose["volumes"]


def docker_compose() -> list[str]:
    """The docker compose command (the plugin, else the stand-alone docker-compose), or a skip saying why not."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("neither `docker compose` nor `docker-compose` is installed")


def compose_config(tmp_path: Path, settings: str) -> subprocess.CompletedProcess:
    env_file = tmp_path / "settings.env"
    env_file.write_text(settings, encoding="utf-8")
    command = [*docker_compose(), "--env-file", str(env_file), "-f", str(COMPOSE), "config", "--quiet"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNEYS_", "COMPOSE_"))}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def test_docker_compose_accepts_the_file(tmp_path):
    """docker compose reads the file with the example's settings (it needs no docker daemon for that)."""
    example = ENV_EXAMPLE.read_text(encoding="utf-8").replace(
        "JOURNEYS_DB_PASSWORD=\n", "JOURNEYS_DB_PASSWORD=s3cret\n"
    )
    checked = compose_config(tmp_path, example)
    assert checked.returncode == 0, checked.stderr


def test_docker_compose_refuses_to_start_without_a_database_password(tmp_path):
    checked = compose_config(tmp_path, ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert checked.returncode != 0 and "set JOURNEYS_DB_PASSWORD in .env" in checked.stderr
