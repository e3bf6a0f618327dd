"""A throwaway JupyterHub on 127.0.0.1, and simulated students who use it the way a browser does.

Test machinery, not part of the student package: shared by the classroom test (``tests/test_jupyterhub.py``)
and the capacity benchmark (``benchmarks/hub_capacity.py``, which puts ``tests/`` on ``sys.path``):

- :func:`publish_snapshot` publishes the module as a teacher would: a bare git repository with a ``main``
  branch, made from the working tree, and the ``student`` branch ``usvn release --branch student`` makes from
  it (what students pull), reachable by a ``file://`` URL; :meth:`Remote.commit` adds a later commit on
  ``main`` and releases it to ``student`` (a correction pushed during the course).
- :class:`LocalHub` runs ``jupyterhub`` (PyPI) behind ``configurable-http-proxy`` (npm) with the
  ``DummyAuthenticator`` and the ``SimpleLocalProcessSpawner``, on random free ports, and always stops
  everything it started.
- :class:`Student` logs in through the login form, follows an nbgitpuller link through the hub's *Launch*
  and *spawn pending* pages to nbgitpuller's page, reads the event stream that page's script reads, opens
  the page it was sent to, then opens notebooks and runs them in a kernel through the server's REST API and
  kernel websocket, as JupyterLab does.

Nothing here imports jupyterhub: the hub runs as its own process. The client libraries (requests,
websocket-client, psutil) and the hub itself (jupyterhub, nbgitpuller) are pinned in requirements-dev.txt.

>>> _body_data('<html><body data-repo="file%3A%2F%2F%2Ftmp%2Fusvn" data-path="lab"><p>x</p></body></html>')
{'repo': 'file:///tmp/usvn', 'path': 'lab'}
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import psutil
import requests
import websocket
import yaml
from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import deserialize_binary_message

__all__ = [
    "CLASSROOM_VALUES",
    "CellRun",
    "DEV_ONLY_SERVER_EXTENSIONS",
    "HubError",
    "LEFT_OUT_MODULES",
    "LocalHub",
    "NotebookRun",
    "PullResult",
    "Remote",
    "Student",
    "classroom_server_config",
    "default_proxy_command",
    "free_port",
    "publish_snapshot",
]

#: Server extensions that the test environment has and a student's does not: nbgrader (installed for the
#: grading tests) brings these. Students' servers start with them switched off, so that the test and the
#: benchmark see the server a hub built from requirements.txt would run.
DEV_ONLY_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
    "notebook",
)
#: The Helm values of the Kubernetes classroom (Zero to JupyterHub). Its single-user server configuration
#: (``singleuser.extraFiles.jupyter-server-config``) is what students' servers on the local hub run with too.
CLASSROOM_VALUES = Path(__file__).resolve().parent.parent / "deploy" / "z2jh" / "config.yaml"
SERVER_CONFIG_FILE = "jupyter-server-config"
#: Modules the classroom image leaves out (deploy/z2jh/appendix.Dockerfile uninstalls their distributions):
#: rfc3987-syntax comes with jsonschema's format checkers, which every Jupyter server imports, and builds a
#: grammar at import that costs each server about 15 MB and seconds of CPU at start; Jupyter checks no format
#: that needs it. On the local hub, students' servers and kernels find a module of that name that raises
#: ImportError, which is what jsonschema sees when the distribution is absent.
LEFT_OUT_MODULES = ("rfc3987_syntax",)
_LOADED = re.compile(r"\] (\S+) \| extension was successfully loaded")

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "usvn classroom test",
    "GIT_AUTHOR_EMAIL": "classroom@usvn.invalid",
    "GIT_COMMITTER_NAME": "usvn classroom test",
    "GIT_COMMITTER_EMAIL": "classroom@usvn.invalid",
}


class HubError(RuntimeError):
    """The hub, the proxy, a student's server or a kernel did not do what a classroom needs."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def default_proxy_command() -> Path:
    """Where ``make test`` installs the pinned configurable-http-proxy (``USVN_PROXY`` overrides it)."""
    if os.environ.get("USVN_PROXY"):
        return Path(os.environ["USVN_PROXY"])
    return Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


def classroom_server_config(values: Path = CLASSROOM_VALUES) -> dict:
    """The Jupyter server configuration the Kubernetes classroom mounts into students' servers (kernel culling,
    server extensions switched off), read from its Helm values."""
    try:
        extra_files = yaml.safe_load(values.read_text(encoding="utf-8"))["singleuser"]["extraFiles"]
        return extra_files[SERVER_CONFIG_FILE]["data"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise HubError(
            f"{values} does not give singleuser.extraFiles.{SERVER_CONFIG_FILE}.data "
            f"(the students' Jupyter server configuration): {type(error).__name__}: {error}"
        ) from None


# --------------------------------------------------------------------------- the published module


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **_GIT_IDENTITY}, timeout=120
    )
    if result.returncode:
        raise HubError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr.strip()}")
    return result.stdout


@dataclass
class Remote:
    """The module's published repository (bare, branches ``main`` and ``student``) and the working copy commits
    come from."""

    url: str
    work: Path
    student_branch: str | None = "student"

    def commit(self, changes: Mapping[str, str | None], message: str) -> None:
        """Write (text) or delete (``None``) files, commit on ``main``, release the student branch and push both,
        as a teacher's correction."""
        for relative, text in changes.items():
            path = self.work / relative
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        _git("add", "-A", cwd=self.work)
        _git("commit", "--quiet", "-m", message, cwd=self.work)
        branches = ["main"]
        if self.student_branch:
            _release_student_branch(self.work, self.student_branch)
            branches.append(self.student_branch)
        _git("push", "--quiet", "origin", *branches, cwd=self.work)


def _release_student_branch(work: Path, branch: str) -> None:
    from usvn.authoring import release

    try:
        release(work, branch=branch)
    except (ValueError, RuntimeError, FileNotFoundError) as error:
        raise HubError(f"usvn release --branch {branch} failed in {work}: {error}") from None


def publish_snapshot(
    source: Path, destination: Path, name: str = "usvn", student_branch: str | None = "student"
) -> Remote:
    """Publish the working tree of the git checkout at ``source`` as ``destination/name`` (bare, ``main``), with
    the student branch ``usvn release --branch student`` makes from it (none when ``student_branch`` is None).

    Tracked and untracked-but-not-ignored files are taken as they are on disk, so uncommitted work is
    what students receive; the checkout's own branch name does not matter.
    """
    source, destination = Path(source).resolve(), Path(destination).resolve()
    listing = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=source)
    files = [item for item in listing.split("\0") if item and (source / item).is_file()]
    if not files:
        raise HubError(f"{source} has no files under git; the classroom test needs a git checkout.")
    work = destination / f"{name}-work"
    for relative in files:
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target, follow_symlinks=False)
    _git("init", "--quiet", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "--quiet", "-m", "Module as published for the class", cwd=work)
    if student_branch:
        _release_student_branch(work, student_branch)
    bare = destination / name
    _git("clone", "--quiet", "--bare", str(work), str(bare), cwd=destination)
    _git("remote", "add", "origin", str(bare), cwd=work)
    return Remote(url=bare.as_uri(), work=work, student_branch=student_branch)


# --------------------------------------------------------------------------- the hub


class LocalHub:
    """JupyterHub + configurable-http-proxy on 127.0.0.1 for ``users``; use it as a context manager.

    Students' servers start with the Jupyter server configuration ``server_config`` (see
    :func:`classroom_server_config`) plus ``disabled_server_extensions`` switched off, and cannot import
    ``left_out_modules`` (see :data:`LEFT_OUT_MODULES`).
    """

    def __init__(
        self,
        workdir: Path,
        users: list[str],
        *,
        proxy_command: Path | None = None,
        bin_dir: Path | None = None,
        timeout: float = 90.0,
        extra_config: str = "",
        disabled_server_extensions: tuple[str, ...] = DEV_ONLY_SERVER_EXTENSIONS,
        server_config: Mapping[str, Mapping] | None = None,
        left_out_modules: tuple[str, ...] = (),
    ) -> None:
        self.workdir = Path(workdir).resolve()
        self.users = list(users)
        self.proxy_command = Path(proxy_command or default_proxy_command())
        self.bin_dir = Path(bin_dir or Path(sys.executable).parent)
        self.timeout = timeout
        self.extra_config = extra_config
        self.disabled_server_extensions = disabled_server_extensions
        self.server_config = server_config or {}
        self.left_out_modules = left_out_modules
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterhub.log"
        for tool in ("jupyterhub", "jupyterhub-singleuser"):
            if not (self.bin_dir / tool).is_file():
                raise HubError(
                    f"{self.bin_dir / tool} is missing: install the pinned tools with "
                    "`make test` (requirements-dev.txt)."
                )
        if not self.proxy_command.is_file():
            raise HubError(
                f"configurable-http-proxy is missing at {self.proxy_command}: it comes from npm. "
                "Install Node.js and npm (apt-get install -y nodejs npm), then run `make test`, "
                "which installs the pinned proxy from tests/node/package-lock.json."
            )

    @property
    def url(self) -> str:
        """The hub's public address (the proxy)."""
        return f"http://127.0.0.1:{self.port}"

    def home(self, user: str) -> Path:
        """The student's home folder (the server's root folder) on this machine."""
        return self.workdir / "home" / user

    def _server_config(self) -> dict:
        """Students' Jupyter server configuration: ``server_config`` with the dev-only extensions switched off."""
        config = json.loads(json.dumps(self.server_config))  # a deep copy; it must be JSON anyway
        extensions = config.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})
        extensions.update(dict.fromkeys(self.disabled_server_extensions, False))
        return config

    def _config(self) -> str:
        # Students' servers read their configuration from a jupyter_server_config.json, as on Kubernetes, where
        # the Helm values mount the same file into a system-wide Jupyter configuration folder of the image.
        server_config_dir = self.workdir / "singleuser-config"
        server_config_dir.mkdir(parents=True, exist_ok=True)
        (server_config_dir / "jupyter_server_config.json").write_text(
            json.dumps(self._server_config(), indent=2), encoding="utf-8"
        )
        environment = {"JUPYTER_CONFIG_PATH": str(server_config_dir)}
        if self.left_out_modules:
            left_out = self.workdir / "left-out-modules"
            left_out.mkdir(parents=True, exist_ok=True)
            for module in self.left_out_modules:
                (left_out / f"{module}.py").write_text(
                    f'raise ImportError("{module} is left out of the classroom image")\n', encoding="utf-8"
                )
            environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(left_out), os.environ.get("PYTHONPATH")]))
        settings = {
            "JupyterHub.bind_url": self.url,
            "JupyterHub.hub_ip": "127.0.0.1",
            "JupyterHub.hub_port": free_port(),
            "JupyterHub.db_url": f"sqlite:///{self.workdir / 'jupyterhub.sqlite'}",
            "JupyterHub.cookie_secret_file": str(self.workdir / "jupyterhub_cookie_secret"),
            "JupyterHub.pid_file": str(self.workdir / "jupyterhub.pid"),
            "JupyterHub.authenticator_class": "dummy",
            "JupyterHub.spawner_class": "simple",
            "JupyterHub.cleanup_servers": True,
            "JupyterHub.cleanup_proxy": True,
            "ConfigurableHTTPProxy.command": [str(self.proxy_command)],
            "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.pid_file": str(self.workdir / "jupyterhub-proxy.pid"),
            "Authenticator.allowed_users": set(self.users),
            "SimpleLocalProcessSpawner.home_dir_template": str(self.workdir / "home" / "{username}"),
            "Spawner.cmd": [str(self.bin_dir / "jupyterhub-singleuser")],
            "Spawner.args": ["--allow-root"] if os.geteuid() == 0 else [],
            "Spawner.environment": environment,
            "Spawner.default_url": "/lab",
            "Spawner.start_timeout": int(self.timeout),
            "Spawner.http_timeout": int(self.timeout),
        }
        lines = ["# Written by tests/hubkit.py (LocalHub) for a throwaway classroom hub.", "c = get_config()  # noqa"]
        lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
        return "\n".join(lines) + "\n" + self.extra_config + "\n"

    def start(self) -> LocalHub:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "jupyterhub_config.py"
        config.write_text(self._config(), encoding="utf-8")
        env = {
            **os.environ,
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        }
        env.pop("JUPYTERHUB_API_TOKEN", None)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "jupyterhub"), "-f", str(config)],
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"jupyterhub exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:  # through the proxy
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise HubError(
            f"jupyterhub was not reachable through the proxy within {self.timeout:.0f} s:\n{self.log_tail()}"
        )

    def processes(self, user: str) -> list[psutil.Process]:
        """The student's single-user server and everything it started (kernels), or [] if none runs."""
        if self.process is None:
            return []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if child.environ().get("JUPYTERHUB_USER") == user and any(
                    "jupyterhub-singleuser" in part for part in child.cmdline()
                ):
                    return [child, *child.children(recursive=True)]
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return []

    def own_processes(self) -> list[psutil.Process]:
        """The hub and its proxy (students' servers excluded)."""
        if self.process is None:
            return []
        hub = psutil.Process(self.process.pid)
        return [hub, *(child for child in hub.children() if "configurable-http-proxy" in " ".join(child.cmdline()))]

    def stop(self) -> None:
        """Stop the hub (which stops the proxy and the servers), then end anything of ours still running."""
        if self.process is None:
            return
        started: list[psutil.Process] = []
        try:
            started = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        proxy_pid = self.workdir / "jupyterhub-proxy.pid"
        if proxy_pid.is_file():
            try:
                started.append(psutil.Process(int(proxy_pid.read_text().strip())))
            except (ValueError, psutil.NoSuchProcess):
                pass
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        _, alive = psutil.wait_procs(started, timeout=10)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=10)
        self.process = None

    def loaded_server_extensions(self) -> set[str]:
        """The Jupyter server extensions students' servers loaded, as their logs report them."""
        if not self.log_path.is_file():
            return set()
        return set(_LOADED.findall(self.log_path.read_text(errors="replace")))

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.is_file():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> LocalHub:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --------------------------------------------------------------------------- a student's browser


class _PageParser(HTMLParser):
    """Collects what a browser would use: body data attributes, forms with their inputs, links by id."""

    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str] = {}
        self.forms: list[dict] = []
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "body":
            self.body = {key[5:]: unquote(value) for key, value in attributes.items() if key.startswith("data-")}
        elif tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "inputs": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["inputs"][attributes["name"]] = attributes.get("value", "")
        elif tag == "a" and attributes.get("id") and attributes.get("href"):
            self.links[attributes["id"]] = attributes["href"]


def _parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def _body_data(html: str) -> dict[str, str]:
    return _parse(html).body


def _events(response: requests.Response) -> Iterator[dict]:
    """The ``data:`` events of a server-sent event stream, decoded from JSON."""
    for line in response.iter_lines(decode_unicode=True):
        if line and line.startswith("data:"):
            yield json.loads(line[5:].strip())


@dataclass
class PullResult:
    """What an nbgitpuller link did: the folder it pulled into, its log, and the page it opened."""

    folder: str
    log: list[str]
    page: requests.Response


@dataclass
class CellRun:
    index: int
    seconds: float
    output_types: list[str]
    error: str | None = None


@dataclass
class NotebookRun:
    path: str
    started: float
    kernel_ready: float = 0.0
    first_reply: float | None = None
    cells: list[CellRun] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f"cell {cell.index}: {cell.error}" for cell in self.cells if cell.error]


class Student:
    """One student with their own cookies, using the hub as a browser and JupyterLab would."""

    def __init__(self, hub: LocalHub, name: str, *, password: str = "classroom", timeout: float = 120.0) -> None:
        self.hub = hub
        self.name = name
        self.password = password
        self.timeout = timeout
        self.http = requests.Session()
        self.kernel_session = Session(username=name)
        #: The pages passed on the way, in order: "login", "launch", "spawn-pending", "git-pull".
        self.journey: list[str] = []

    # ---- navigation

    def visit(self, url: str) -> requests.Response:
        """Open ``url`` and go on as a student would: log in, press *Launch*, wait on *spawn pending*."""
        response = self.http.get(url, timeout=self.timeout)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            path = urlsplit(response.url).path
            if path.endswith("/hub/login") and response.ok:
                page = _parse(response.text)
                if not page.forms:
                    raise HubError(f"the login page at {response.url} has no form")
                form = page.forms[0]
                self.journey.append("login")
                data = {**form["inputs"], "username": self.name, "password": self.password}
                response = self.http.post(urljoin(response.url, form["action"]), data=data, timeout=self.timeout)
                if urlsplit(response.url).path.endswith("/hub/login"):
                    raise HubError(f"{self.name} could not log in (status {response.status_code})")
            elif response.status_code == 424 and "start" in (links := _parse(response.text).links):
                self.journey.append("launch")
                response = self.http.get(urljoin(response.url, links["start"]), timeout=self.timeout)
            elif "/hub/spawn-pending/" in path and response.ok:
                self.journey.append("spawn-pending")
                self._wait_for_spawn(response)
                response = self.http.get(response.url, timeout=self.timeout)
            else:
                if not response.ok:
                    raise HubError(f"{self.name} got {response.status_code} at {response.url}:\n{response.text[:500]}")
                return response
        raise HubError(f"{self.name} did not reach {url} within {self.timeout:.0f} s")

    def _wait_for_spawn(self, page: requests.Response) -> None:
        found = re.search(r'new EventSource\("([^"]+)"\)', page.text)
        if not found:
            time.sleep(0.5)
            return
        with self.http.get(urljoin(page.url, found[1]), stream=True, timeout=self.timeout) as stream:
            if not stream.ok:
                time.sleep(0.5)
                return
            for event in _events(stream):
                if event.get("failed"):
                    raise HubError(
                        f"{self.name}'s server failed to start: {event.get('message')}\n{self.hub.log_tail()}"
                    )
                if event.get("ready"):
                    return

    def pull(self, link: str) -> PullResult:
        """Follow an nbgitpuller link; do what its page's script does; open the page it redirects to."""
        page = self.visit(link)
        data = _body_data(page.text)
        if "repo" not in data or "base-url" not in data:
            raise HubError(f"{page.url} is not nbgitpuller's page:\n{page.text[:300]}")
        self.journey.append("git-pull")
        params = {"_xsrf": data.get("xsrf", ""), "repo": data["repo"], "targetpath": data["targetpath"]}
        params.update({key: data[key] for key in ("depth", "branch", "backup") if key in data})
        origin = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
        api = urljoin(origin, data["base-url"]) + "git-pull/api?" + urlencode(params)
        log: list[str] = []
        with self.http.get(api, stream=True, timeout=self.timeout) as stream:
            stream.raise_for_status()
            for event in _events(stream):
                if event.get("output"):
                    log.append(event["output"].rstrip())
                if event.get("phase") == "error":
                    raise HubError(f"nbgitpuller failed for {self.name}: {event.get('message')}\n" + "\n".join(log))
                if event.get("phase") == "finished":
                    break
            else:
                raise HubError(f"nbgitpuller's stream ended before 'finished' for {self.name}:\n" + "\n".join(log))
        opened = self.visit(urljoin(origin, data["base-url"]) + data["path"])
        return PullResult(folder=data["targetpath"], log=log, page=opened)

    # ---- the single-user server's API, as JupyterLab calls it

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}/"

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        xsrf = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/")
        if xsrf is None:
            raise HubError(f"{self.name} has no _xsrf cookie for their server: open a page on it first")
        headers = {"X-XSRFToken": xsrf, **kwargs.pop("headers", {})}
        response = self.http.request(
            method, f"{self.server}api/{path}", headers=headers, timeout=self.timeout, **kwargs
        )
        if not response.ok:
            raise HubError(f"{method} {path} for {self.name}: {response.status_code} {response.text[:300]}")
        return response

    def read(self, path: str) -> dict:
        """A file's contents model (a notebook comes back as JSON in ``content``)."""
        return self.api("GET", f"contents/{quote(path)}?content=1").json()

    def save(self, path: str, model: dict) -> None:
        self.api("PUT", f"contents/{quote(path)}", json=model)

    def delete(self, path: str) -> None:
        self.api("DELETE", f"contents/{quote(path)}")

    def exists(self, path: str) -> bool:
        xsrf = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/")
        response = self.http.get(
            f"{self.server}api/contents/{quote(path)}?content=0",
            headers={"X-XSRFToken": xsrf or ""},
            timeout=self.timeout,
        )
        return response.status_code == 200

    def _cookie_header(self, url: str) -> str:
        return self.http.prepare_request(requests.Request("GET", url)).headers.get("Cookie", "")

    def run_notebook(
        self, path: str, *, cell_timeout: float = 120.0, keep_kernel: bool = False, started: float | None = None
    ) -> NotebookRun:
        """Open ``path`` as JupyterLab does (contents, then a session with a kernel) and run its code cells.

        Stops at the first cell that raises, like *Run All*. ``started`` is the clock reading the timings in
        the result count from (default: now).
        """
        run = NotebookRun(path=path, started=time.monotonic() if started is None else started)
        notebook = self.read(path)["content"]
        session = self.api(
            "POST",
            "sessions",
            json={"path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}},
        ).json()
        ws_url = (
            f"ws://{urlsplit(self.hub.url).netloc}/user/{self.name}/api/kernels/{session['kernel']['id']}"
            f"/channels?session_id={uuid.uuid4().hex}"
        )
        try:
            channel = websocket.create_connection(
                ws_url,
                timeout=self.timeout,
                origin=self.hub.url,
                cookie=self._cookie_header(f"{self.server}api/kernels"),
            )
            try:
                self._request(channel, "kernel_info_request", {}, timeout=self.timeout)
                run.kernel_ready = time.monotonic() - run.started
                code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
                for index, cell in enumerate(code_cells):
                    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    began = time.monotonic()
                    reply, outputs = self._request(
                        channel,
                        "execute_request",
                        {
                            "code": source,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                        timeout=cell_timeout,
                    )
                    if run.first_reply is None:
                        run.first_reply = time.monotonic() - run.started
                    error = None
                    if reply["content"].get("status") != "ok":
                        content = reply["content"]
                        error = f"{content.get('ename')}: {content.get('evalue')}"
                    run.cells.append(CellRun(index, time.monotonic() - began, outputs, error))
                    if error:
                        break
            finally:
                channel.close()
        finally:
            if not keep_kernel:
                self.api("DELETE", f"sessions/{session['id']}")
        return run

    def _request(
        self, channel: websocket.WebSocket, msg_type: str, content: dict, timeout: float
    ) -> tuple[dict, list[str]]:
        """Send one shell request; return its reply and the output types it produced once the kernel is idle."""
        message = self.kernel_session.msg(msg_type, content)
        message["channel"] = "shell"
        channel.send(json.dumps(message, default=json_default))
        msg_id = message["header"]["msg_id"]
        reply, idle, outputs = None, False, []
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HubError(f"{self.name}'s kernel gave no answer to {msg_type} within {timeout:.0f} s")
            channel.settimeout(remaining)
            try:
                frame = channel.recv()
            except websocket.WebSocketTimeoutException:
                continue
            incoming = deserialize_binary_message(frame) if isinstance(frame, bytes) else json.loads(frame)
            if incoming.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = incoming["header"]["msg_type"]
            if incoming.get("channel") == "shell" and kind.endswith("_reply"):
                reply = incoming
            elif kind == "status" and incoming["content"].get("execution_state") == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(kind)
        return reply, outputs
