"""Files a course declares for every kernel's home: copied in fresh for each student, regular files only.

The module declares its validated-data cache, so a graded kernel loads the course data as a kernel in the
instructor's own home would, without validating it again.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import gradingkit as kit
import pytest

from usvn.grading import homes
from usvn.grading.batch import grade_batch
from usvn.grading.sandbox import Limits

LIMITS = Limits(cell_timeout=20, submission_timeout=120)
SEEDED: list = []


def seeded_files() -> list:
    """The provider the tests declare (looked up by name, as a course's is)."""
    return list(SEEDED)


@pytest.fixture
def declared(monkeypatch, tmp_path):
    monkeypatch.setattr(homes, "_PROVIDERS", {".cache/seed-test": f"{__name__}:seeded_files"})
    homes.forget_home_files()
    secret = tmp_path / "grader-secret.txt"
    secret.write_text("not for students", encoding="utf-8")
    data = tmp_path / "data.json"
    data.write_text('{"fresh": true}', encoding="utf-8")
    (tmp_path / "link.json").symlink_to(secret)
    os.mkfifo(tmp_path / "pipe.json")
    SEEDED[:] = [data, tmp_path / "link.json", tmp_path / "pipe.json", tmp_path / "missing.json"]
    yield tmp_path
    SEEDED.clear()
    homes.forget_home_files()


def _source(answer: str):
    return kit.notebook_of(
        [
            kit.cell("code", f"import os\n### BEGIN SOLUTION\n{answer}\n### END SOLUTION", "seen", solution=True),
            kit.cell(
                "code",
                "assert names == ['data.json'], names\nassert text == '{\"fresh\": true}', text",
                "seen-test",
                grade=True,
                locked=True,
                points=1,
            ),
        ]
    )


READ = (
    "folder = os.path.expanduser('~/.cache/seed-test')\n"
    "names = sorted(os.listdir(folder))\n"
    "text = open(os.path.join(folder, 'data.json')).read()"
)
# Reads its copy, then spoils it for whoever might come next.
SPOIL = READ + "\nopen(os.path.join(folder, 'data.json'), 'w').write('spoiled')"


@pytest.mark.parametrize("level", ["bwrap", "unshare"])  # rlimits needs a non-root grader with a spare uid
def test_every_kernel_starts_with_its_own_fresh_copy_of_the_regular_files_only(declared, level):
    root = declared
    key = kit.write(_source(READ), root / "key" / "seed.ipynb")
    for name, answer in (("ann", SPOIL), ("ben", READ), ("cat", SPOIL), ("dan", READ)):
        kit.write(_source(answer), root / "subs" / f"{name}.ipynb")
    results = grade_batch(
        key, root / "subs", root / "out", jobs=2, limits=LIMITS, isolation=level, stream=io.StringIO()
    )
    assert {result.student: result.item("seen-test").status for result in results} == dict.fromkeys(
        ("ann", "ben", "cat", "dan"), "passed"
    ), [result.item("seen-test").note for result in results]
    assert (root / "data.json").read_text(encoding="utf-8") == '{"fresh": true}'  # the grader's own is untouched


def test_a_provider_that_fails_costs_nothing_but_the_files(monkeypatch, tmp_path):
    monkeypatch.setattr(homes, "_PROVIDERS", {".cache/x": "no_such_module_here:files", ".cache/y": "os:getcwd"})
    homes.forget_home_files()
    try:
        assert homes.home_files() == ()
        assert homes.seed_home(tmp_path / "home") == 0
    finally:
        homes.forget_home_files()


@pytest.mark.parametrize("folder", ["", "/etc", "../up", "a/../../b"])
def test_a_folder_outside_the_home_is_refused(folder):
    with pytest.raises(ValueError, match="inside the home"):
        homes.register_home_files(folder, "os:getcwd")


def test_the_course_declares_its_data_cache_and_a_seeded_kernel_skips_validation(tmp_path):
    import usvn  # noqa: F401 - the package declares its home files on import
    from usvn.loader import data_files

    homes.forget_home_files()
    declared = [path for path, folder in homes.home_files() if folder == ".cache/usvn"]
    assert {path.name.rsplit("-", 1)[0] for path in declared} == {name.removesuffix(".yaml") for name in data_files()}
    assert homes.seed_home(tmp_path) == len(homes.home_files())
    probe = (
        "import sys\n"
        "from usvn.data import load_sources, load_timeline\n"
        "from usvn.leverage import load_cases\n"
        "from usvn.quiz.model import load_quiz\n"
        "load_sources(); load_timeline(); load_cases(); [load_quiz(n) for n in range(6)]\n"
        "print('jsonschema' in sys.modules, 'yaml' in sys.modules)"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("USVN_CACHE_DIR", "XDG_CACHE_HOME")}
    seeded = subprocess.run(
        [sys.executable, "-c", probe], env={**env, "HOME": str(tmp_path)}, capture_output=True, text=True, check=True
    )
    assert seeded.stdout.split() == ["False", "False"], "a seeded kernel validated the data again"
    cold = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "HOME": str(tmp_path / "empty")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert cold.stdout.split() == ["True", "True"], "the probe cannot tell a cold cache from a warm one"
