"""Fixtures for the browser tests: one JupyterLab server and one Chromium per session, axe-core from npm.

A missing browser or npm is a failure, never a skip: CI installs chromium with apt (.ci/run) and node comes
with the machine. axe-core is installed with ``npm ci`` from tests/browser/package-lock.json into the active
virtual environment (``<venv>/share/usvn-browser-tests``), once, and again only when the lock file changes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser.lab import CHROMIUM, CHROMIUM_ARGS, TAB_COUNTS, JupyterLabServer, LabNotebook, summarize_axe

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "artifacts"
NPM_CACHE = Path(sys.prefix) / "share" / "usvn-browser-tests"
TIMINGS: dict[str, float] = {}


def _pinned_axe_version() -> str:
    return json.loads((HERE / "package.json").read_text())["dependencies"]["axe-core"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js at the version pinned in tests/browser/package.json."""
    script = NPM_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    lock = HERE / "package-lock.json"
    installed_lock = NPM_CACHE / "package-lock.json"
    if not (script.is_file() and installed_lock.is_file() and installed_lock.read_bytes() == lock.read_bytes()):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                "npm is missing: the accessibility tests install axe-core with it (Debian: apt-get install npm)"
            )
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, NPM_CACHE / name)
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=NPM_CACHE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            installed_lock.unlink(missing_ok=True)
            pytest.fail(f"npm ci failed in {NPM_CACHE}:\n{done.stdout}\n{done.stderr}")
    version = json.loads((script.parent / "package.json").read_text())["version"]
    assert version == _pinned_axe_version(), f"axe-core {version} installed, {_pinned_axe_version()} pinned"
    return script.read_text()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        TIMINGS["browser start"] = time.monotonic() - started
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab on 127.0.0.1 (random port and token) serving a temporary copy of notebooks/."""
    started = time.monotonic()
    server = JupyterLabServer(ROOT / "notebooks", tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        TIMINGS["server start"] = time.monotonic() - started
        yield server
    finally:
        server.stop()


def new_page(browser):
    """A page in a fresh browser context. Nothing leaves the machine: the server is on loopback, files are local,
    and every other request is refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    context.route(
        "**/*",
        lambda route: route.continue_()
        if route.request.url.startswith(("http://127.0.0.1", "file://", "data:"))
        else route.abort(),
    )
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture(scope="session")
def lesson_page(browser, lab_server):
    """``lesson_page(stem)``: the lesson open in JupyterLab with all cells run, one page per lesson per session.

    A lesson that fails to open fails every test that asks for it, quickly, with the same message.
    """
    opened: dict[str, LabNotebook | BaseException] = {}

    def get(stem: str) -> LabNotebook:
        if stem not in opened:
            started = time.monotonic()
            try:
                opened[stem] = LabNotebook(new_page(browser), lab_server, f"{stem}.ipynb").open()
                opened[stem].run_all()
            except Exception as error:  # noqa: BLE001 - kept, and raised again for every test of this lesson
                opened[stem] = error
            TIMINGS[f"open and run {stem}"] = time.monotonic() - started
        if isinstance(opened[stem], BaseException):
            raise RuntimeError(f"{stem} did not open and run in JupyterLab:\n{lab_server.log_tail()}") from opened[stem]
        return opened[stem]

    yield get
    for notebook in opened.values():
        if isinstance(notebook, LabNotebook):
            try:
                notebook.shutdown_kernel()
            except Exception:  # noqa: BLE001 - the server shuts every kernel down at the end anyway
                pass
            notebook.page.context.close()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_sep("-", "browser test timings (s)")
        for what, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{what}: {seconds:.1f}")
    if TAB_COUNTS:
        terminalreporter.write_sep("-", "Tab presses to finish each keyboard task")
        for task, counts in TAB_COUNTS.items():
            terminalreporter.write_line(
                f"{task}: {counts['tabs']} in {counts['steps']} steps (at most {counts['most in one step']} in one)"
            )
    axe = summarize_axe()
    if axe:
        terminalreporter.write_sep("-", "axe-core findings (all impacts; only serious and critical in ours fail)")
        for line in axe:
            terminalreporter.write_line(line)
