"""The classroom path on a real JupyterHub (about a minute on 2 cores).

jupyterhub from PyPI runs behind configurable-http-proxy from npm (both pinned; ``make test`` installs
them), with the DummyAuthenticator and the SimpleLocalProcessSpawner, on 127.0.0.1 and random free ports.
The module is published as a local git repository with a ``main`` branch, built from this working tree, and
the ``student`` branch ``usvn release --branch student`` makes from it. Several students log in, follow the
nbgitpuller links the instructor guide tells teachers to hand out (``usvn.deploy.nbgitpuller_url``, which
point at the student branch), open lessons and run them in kernels through the server's API; their copies
hold no ``solutions/``. Between lessons the teacher pushes a correction to ``main`` and releases it to the
student branch; a second pull must bring it in while keeping every student's work.

Missing Node.js, npm or the proxy make these tests fail, never skip.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from conftest import ROOT
from hubkit import (
    LEFT_OUT_MODULES,
    HubError,
    LocalHub,
    Student,
    classroom_server_config,
    default_proxy_command,
    publish_snapshot,
)

from usvn.data import load_lessons
from usvn.deploy import clone_folder, nbgitpuller_url

STUDENTS = ["student1", "student2", "student3"]
# What a student's server runs with the Kubernetes classroom's server configuration (deploy/z2jh/config.yaml,
# which switches the other extensions off): JupyterLab, the pull links and the hub's own extension.
STUDENT_SERVER_EXTENSIONS = {"jupyterlab", "nbgitpuller", "jupyterhub"}
NOTE = "My notes for the seminar: the 2023 upgrade came before the market-economy review."
REWRITE = "# My own title for this lesson"
CORRECTION = "\n\n*Corrected by the teacher after the first session.*"


def _lesson_paths() -> list[str]:
    paths = [f"notebooks/{lesson.notebook}" for lesson in load_lessons()]
    assert paths, "lessons.yaml lists no lessons"
    missing = [path for path in paths if not (ROOT / path).is_file()]
    assert not missing, f"lessons.yaml names notebooks that do not exist: {missing}"
    return paths


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.fail("Node.js is missing: configurable-http-proxy needs it (apt-get install -y nodejs npm).")
    proxy = default_proxy_command()
    if not proxy.is_file():
        pytest.fail(
            f"configurable-http-proxy is missing at {proxy}: run `make test`, which installs the pinned "
            "proxy with npm from tests/node/package-lock.json (needs npm: apt-get install -y nodejs npm)."
        )
    workdir = tmp_path_factory.mktemp("classroom")
    remote = publish_snapshot(ROOT, workdir / "published")
    try:
        hub = LocalHub(
            workdir / "hub",
            STUDENTS,
            proxy_command=proxy,
            server_config=classroom_server_config(),
            left_out_modules=LEFT_OUT_MODULES,
        )
    except HubError as error:
        pytest.fail(str(error))
    with hub:
        yield hub, remote


def test_the_link_recipe_matches_the_folder_nbgitpuller_clones_into(classroom):
    hub, remote = classroom
    link = nbgitpuller_url(hub.url, "notebooks/00-how-to-use-this-module.ipynb", repo=remote.url)
    assert "branch=student" in link and "branch=main" not in link
    assert f"urlpath=lab/tree/{clone_folder(remote.url)}/notebooks/00-how-to-use-this-module.ipynb" in link


def test_students_pull_run_lessons_edit_and_pull_again(classroom):
    hub, remote = classroom
    lessons = _lesson_paths()
    folder = clone_folder(remote.url)
    students = [Student(hub, name) for name in STUDENTS]
    # Student k opens lesson k through its link; between them, the class runs every lesson.
    assignments = {
        student.name: lessons[index :: len(students)] or [lessons[index % len(lessons)]]
        for index, student in enumerate(students)
    }

    def first_session(student: Student):
        own = assignments[student.name]
        pulled = student.pull(nbgitpuller_url(hub.url, own[0], repo=remote.url))
        runs = [student.run_notebook(f"{folder}/{path}") for path in own]
        return pulled, runs

    with ThreadPoolExecutor(len(students)) as pool:
        results = dict(zip(STUDENTS, pool.map(first_session, students)))

    for student in students:
        pulled, runs = results[student.name]
        # The link alone took them through the login form and started their server (/hub/spawn).
        assert student.journey[0] == "login" and student.journey[-1] == "git-pull", student.journey
        assert hub.processes(student.name), f"{student.name} has no server running"
        assert pulled.folder == folder
        assert pulled.page.url.split("?")[0].endswith(
            f"/user/{student.name}/lab/tree/{folder}/{assignments[student.name][0]}"
        )
        assert "JupyterLab" in pulled.page.text
        opened = unquote(urlsplit(pulled.page.url).path).split("/lab/tree/", 1)[1]
        assert student.exists(opened), f"the link's urlpath names {opened}, which is not in the clone"
        assert (hub.home(student.name) / folder / ".git").is_dir(), "nbgitpuller did not clone into the home folder"
        clone = hub.home(student.name) / folder
        assert (clone / "exercises").is_dir() and (clone / "src" / "usvn").is_dir()
        for private in ("solutions", "tests", "docs/instructor", "docs/grading-guide.md", "docs/instructor-guide.md"):
            assert not (clone / private).exists(), (
                f"{student.name} pulled {private}: links must give the student branch"
            )
        for run in runs:
            notebook = nbformat.read(ROOT / run.path.removeprefix(f"{folder}/"), as_version=4)
            code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
            assert not run.errors, f"{student.name} ran {run.path}: {run.errors}"
            assert len(run.cells) == len(code_cells) > 0, run.path
            assert any(cell.output_types for cell in run.cells), f"{run.path} printed and displayed nothing"
    loaded = hub.loaded_server_extensions()
    assert loaded == STUDENT_SERVER_EXTENSIONS, (
        f"students' servers loaded {sorted(loaded)}: a test-only tool's server extension belongs in "
        "hubkit.DEV_ONLY_SERVER_EXTENSIONS, one the lessons do not need in deploy/z2jh/config.yaml"
    )
    ran = {run.path for _, runs in results.values() for run in runs}
    assert ran == {f"{folder}/{path}" for path in lessons}, "every lesson ran on the hub"

    # Work done during the session: an added cell, a lesson deleted by mistake, a rewritten opening
    # (the lines the teacher is about to correct), a file of one's own, and one whose name the teacher will use.
    edited = f"{folder}/{lessons[0]}"
    model = students[0].read(edited)["content"]
    model["cells"].append(nbformat.v4.new_markdown_cell(NOTE))
    students[0].save(edited, {"type": "notebook", "format": "json", "content": model})
    deleted = f"{folder}/{assignments['student2'][0]}"
    students[1].delete(deleted)
    assert not students[1].exists(deleted)
    model = students[2].read(edited)["content"]
    _first_markdown(model["cells"])["source"] = REWRITE
    students[2].save(edited, {"type": "notebook", "format": "json", "content": model})
    own_file, clashing = f"{folder}/my-answers.md", f"{folder}/notebooks/handout-week-2.md"
    students[2].save(own_file, {"type": "file", "format": "text", "content": "Question 1: 1995.\n"})
    students[2].save(clashing, {"type": "file", "format": "text", "content": "My own week 2 plan.\n"})

    # Meanwhile the teacher corrects the first lesson's opening and adds a handout on main, then releases
    # the student branch (Remote.commit runs `usvn release --branch student` and pushes both branches).
    corrected = nbformat.read(remote.work / lessons[0], as_version=4)
    _first_markdown(corrected.cells).source += CORRECTION
    remote.commit(
        {
            lessons[0]: nbformat.writes(corrected) + "\n",
            "notebooks/handout-week-2.md": "# Week 2\n\nRead lesson 02 before class.\n",
        },
        "Correct lesson opening; add the week 2 handout",
    )

    def second_pull(student: Student):
        student.journey.clear()
        return student.pull(nbgitpuller_url(hub.url, lessons[0], repo=remote.url))

    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(second_pull, students))

    for student in students:
        assert student.journey == ["git-pull"], f"logged in with a running server: {student.journey}"
        assert "Read lesson 02" in student.read(f"{folder}/notebooks/handout-week-2.md")["content"], student.name
    # Edits elsewhere in a file keep both sides.
    kept = _notebook(students[0].read(edited))
    assert kept.cells[-1].source == NOTE, "student1's own cell was lost by the second pull"
    assert CORRECTION in _first_markdown(kept.cells).source, "the teacher's correction did not reach student1"
    # A deleted file comes back, with the correction.
    assert students[1].exists(deleted), "a deleted lesson must come back on the next pull"
    untouched = _notebook(students[1].read(edited))
    assert CORRECTION in _first_markdown(untouched.cells).source
    assert all(cell.source != NOTE for cell in untouched.cells), "one student's edit leaked to another"
    # Where student and teacher changed the same lines, the student's version wins; the notebook stays valid.
    assert _first_markdown(_notebook(students[2].read(edited)).cells).source == REWRITE
    # The student's own files are untouched; one the teacher's new file would overwrite is renamed, not lost.
    assert students[2].read(own_file)["content"] == "Question 1: 1995.\n"
    handouts = [
        item["name"]
        for item in students[2].read(f"{folder}/notebooks")["content"]
        if item["name"].startswith("handout-week-2")
    ]
    renamed = [name for name in handouts if name != "handout-week-2.md"]
    assert len(renamed) == 1 and renamed[0].endswith(".md"), handouts
    assert students[2].read(f"{folder}/notebooks/{renamed[0]}")["content"] == "My own week 2 plan.\n"


def _first_markdown(cells):
    return next(cell for cell in cells if cell["cell_type"] == "markdown")


def _notebook(model: dict):
    notebook = nbformat.from_dict(model["content"])
    nbformat.validate(notebook)
    return notebook


def test_a_student_not_on_the_class_list_cannot_log_in(classroom):
    hub, _ = classroom
    with pytest.raises(HubError, match="could not log in"):
        Student(hub, "intruder").visit(f"{hub.url}/hub/login")
