"""A real JupyterLab server and the page helpers the browser tests share.

Everything here waits with a bound: a server that never answers, a kernel that never goes idle or a widget
that never renders fails the test with what was seen, instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
#: Debian's chromium, headless, with nothing that reaches the network on its own (shared/RECIPES.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_START_SECONDS = 90
KERNEL_RUN_SECONDS = 120
WIDGET_RENDER_SECONDS = 30

#: User settings for the test server: no news or update checks (they reach the network and pop up toasts).
#: The notebook keeps JupyterLab's default windowing mode, so the tests see what students see.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

#: Tab presses per keyboard task (test_keyboard.py), printed at the end of the run.
TAB_COUNTS: dict[str, dict[str, int]] = {}

ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.error"], [data-mime-type="application/vnd.jupyter.stderr"]'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLabServer:
    """``jupyter lab`` on 127.0.0.1, a random port and token, serving a temporary copy of a folder."""

    def __init__(self, notebooks: Path, workdir: Path) -> None:
        """Copy ``notebooks`` into ``workdir`` and prepare settings; :meth:`start` launches the server."""
        self.root = workdir / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "my-notes"))
        self.state = workdir / "jupyter"
        for relative, values in LAB_SETTINGS.items():
            path = self.state / "settings" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.log_path = workdir / "jupyterlab.log"
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Launch the server and wait until it answers; a port taken in the meantime gets one more try."""
        for attempt in (1, 2):
            self._launch()
            try:
                self._wait_until_up()
                return
            except RuntimeError:
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise
                self.port = free_port()

    def _launch(self) -> None:
        environment = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.state / "config"),
            JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(self.state / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.state / "workspaces"),
            JUPYTER_PLATFORM_DIRS="1",
        )
        environment.pop("USVN_NOTES_DIR", None)  # the kernels save in my-notes/ beside the notebooks, as students' do
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",  # the tests drive JupyterLab's own commands (Run All, kernel state)
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=environment, start_new_session=True
            )

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                if self.api("status").get("started"):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n{self.log_tail()}")

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.shutdown_kernels()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def notebook_url(self, name: str) -> str:
        """A fresh workspace per notebook, so each test opens one notebook and nothing else."""
        workspace = Path(name).stem
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"


@dataclass
class Problem:
    """One thing wrong on a page, with where it was seen."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class LabNotebook:
    """One open notebook in JupyterLab, driven through the page and JupyterLab's own commands."""

    def __init__(self, page, server: JupyterLabServer, name: str) -> None:
        self.page, self.server, self.name = page, server, name

    def open(self) -> LabNotebook:
        self.page.goto(self.server.notebook_url(self.name), wait_until="domcontentloaded")
        self.page.wait_for_function(
            """name => {
                const app = window.jupyterapp;
                const panel = app && app.shell.currentWidget;
                return panel && panel.context && panel.context.path === name && panel.content
                    && panel.content.widgets.length > 0 && panel.sessionContext.session?.kernel;
            }""",
            arg=self.name,
            timeout=SERVER_START_SECONDS * 1000,
        )
        return self

    def run_all(self) -> None:
        """Run every cell; wait until the kernel is idle and every cell has run, or one has stopped the run."""
        self.page.evaluate(
            """async () => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.sessionContext.ready;
                await window.jupyterapp.commands.execute('notebook:run-all-cells');
            }"""
        )
        self.wait_for_kernel_idle()
        self.page.wait_for_function(
            """selector => {
                const notebook = window.jupyterapp.shell.currentWidget.content;
                return notebook.node.querySelector(selector) || notebook.widgets
                    .filter(cell => cell.model.type === 'code' && cell.model.sharedModel.source.trim())
                    .every(cell => cell.model.executionCount !== null);
            }""",
            arg=ERROR_OUTPUT,
            timeout=KERNEL_RUN_SECONDS * 1000,
        )
        self.wait_for_widgets()

    def wait_for_kernel_idle(self, timeout: float = KERNEL_RUN_SECONDS) -> None:
        self.page.wait_for_function(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                const kernel = panel.sessionContext.session?.kernel;
                return kernel && kernel.status === 'idle' && !panel.content.node.querySelector('.jp-mod-running')
                    && [...panel.content.node.querySelectorAll('.jp-InputPrompt')].every(p => !p.textContent.includes('*'));
            }""",
            timeout=timeout * 1000,
        )

    def wait_for_widgets(self, timeout: float = WIDGET_RENDER_SECONDS) -> None:
        """Wait until no output says "Loading widget" (it would stay if the widget manager never renders)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                "() => !document.querySelector('.jp-Notebook').innerText.includes('Loading widget')",
                timeout=timeout * 1000,
            )
        except PlaywrightTimeout:
            pass  # problems() reports the lingering "Loading widget" in the page's own words

    @property
    def notebook(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")

    def outputs(self):
        return self.notebook.locator(".jp-OutputArea-output")

    def problems(self) -> list[Problem]:
        """Errors, stderr, and widgets that failed or never rendered, as the page shows them."""
        found = []
        for index, node in enumerate(self.notebook.locator(ERROR_OUTPUT).all()):
            found.append(Problem(f"error output {index + 1}", node.inner_text()[:500]))
        not_run = self.page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.widgets
                .map((cell, index) => [index, cell])
                .filter(([, cell]) => cell.model.type === 'code' && cell.model.sharedModel.source.trim()
                                      && cell.model.executionCount === null)
                .map(([index]) => index)"""
        )
        for index in not_run:
            found.append(Problem(f"cell {index}", "did not run"))
        text = self.notebook.inner_text()
        for phrase in ("Error displaying widget", "Loading widget", "Model not found"):
            if phrase in text:
                found.append(Problem("widget", f"the page shows {phrase!r}"))
        return found

    def cell_with(self, code: str):
        """The code cell whose source contains ``code`` (the first one)."""
        cells = self.notebook.locator(".jp-CodeCell").filter(has=self.page.locator(".jp-InputArea", has_text=code))
        if cells.count() == 0:
            raise LookupError(f"{self.name}: no code cell contains {code!r}")
        return cells.first

    def output_of(self, code: str):
        return self.cell_with(code).locator(".jp-Cell-outputArea")

    def images(self) -> list[dict[str, str]]:
        """Every ``<img>`` in the notebook's outputs and rendered markdown, with its alt attribute (None if absent)."""
        return self.notebook.locator("img").evaluate_all(
            "images => images.map(img => ({src: img.getAttribute('src').slice(0, 40), alt: img.getAttribute('alt')}))"
        )

    def code_sources(self) -> list[str]:
        import nbformat

        notebook = nbformat.read(self.server.root / self.name, as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "code"]

    def screenshot(self, what: str = "") -> Path:
        """The visible part of the page, kept in artifacts/screenshots/<stem>[--what].png."""
        path = SCREENSHOTS / f"{Path(self.name).stem}{'--' + what if what else ''}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
        return path

    def screenshot_of(self, locator, what: str) -> Path:
        """The page with a widget scrolled to the top, kept in artifacts/screenshots/<stem>--<what>.png."""
        locator.evaluate("element => element.scrollIntoView({block: 'start'})")
        return self.screenshot(what)

    def shutdown_kernel(self) -> None:
        """Shut this notebook's kernel, so the next notebook runs on a quiet machine."""
        self.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


AXE_IMPACTS_THAT_FAIL = ("serious", "critical")
#: Where a finding is our content: output areas and rendered markdown. Everything else is JupyterLab's own UI.
OWN_CONTENT = (".jp-OutputArea-output", ".jp-RenderedMarkdown", ".jp-RenderedHTMLCommon")


def run_axe(page, axe_source: str, context: Any = None) -> list[dict[str, Any]]:
    """Inject axe-core and run it (WCAG 2.0/2.1 A and AA rules, plus best practices) on ``context`` or the page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    own_content = json.dumps(", ".join(OWN_CONTENT))
    result = page.evaluate(
        """async context => {
            const options = {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                             resultTypes: ['violations']};
            const found = await window.axe.run(context || document, options);
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                    own: n.target.length === 1 && !!document.querySelector(n.target[0])?.closest(OWN_CONTENT_SELECTOR),
                    summary: (n.failureSummary || '').slice(0, 300)})),
            }));
        }""".replace("OWN_CONTENT_SELECTOR", own_content),
        context,
    )
    return result


def split_findings(violations: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Split axe violations into (ours, JupyterLab's) by whether each node sits in our content."""
    ours, theirs = [], []
    for violation in violations:
        for node in violation["nodes"]:
            finding = {"id": violation["id"], "impact": violation["impact"], "help": violation["help"], **node}
            (ours if node["own"] else theirs).append(finding)
    return ours, theirs


#: Every axe run of the session: page -> {"ours": findings, <whose>: findings}; printed at the end of the run.
AXE_RESULTS: dict[str, dict[str, list[dict]]] = {}


def record_axe(page_name: str, ours: list[dict], others: list[dict], whose: str) -> None:
    """Keep an axe run for the end-of-session summary and in artifacts/axe/<page_name>.json."""
    AXE_RESULTS[page_name] = {"ours": ours, whose: others}
    path = ROOT / "artifacts" / "axe" / f"{page_name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(AXE_RESULTS[page_name], indent=1))


def summarize_axe() -> list[str]:
    """One line per page and part: how many findings, by impact and rule."""
    lines = []
    for page_name, parts in AXE_RESULTS.items():
        for whose, findings in parts.items():
            counts: dict[str, int] = {}
            for finding in findings:
                key = f"{finding['id']} ({finding['impact']})"
                counts[key] = counts.get(key, 0) + 1
            listed = ", ".join(f"{key} x{count}" for key, count in sorted(counts.items())) or "none"
            lines.append(f"{page_name} [{whose}]: {len(findings)} finding(s): {listed}")
    return lines


def format_findings(findings: list[dict]) -> str:
    return "\n".join(f"- [{f['impact']}] {f['id']} ({f['help']}) at {f['target']}: {f['html']}" for f in findings)
