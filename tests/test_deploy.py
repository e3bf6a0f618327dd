"""Binder and nbgitpuller links (the hub test follows the nbgitpuller ones on a real JupyterHub)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT

from usvn.authoring import binder_url
from usvn.cli import main
from usvn.data import load_lessons
from usvn.deploy import clone_folder, lesson_links_markdown, nbgitpuller_url


def test_nbgitpuller_link_has_the_student_branch_and_a_urlpath_inside_the_cloned_folder():
    link = nbgitpuller_url(
        "https://hub.example.edu/",
        "notebooks/01-trace-us-vietnam-relations.ipynb",
        repo="https://github.com/someone/usvn-fork",
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = parse_qs(parts.query)
    assert query == {
        "repo": ["https://github.com/someone/usvn-fork"],
        "branch": ["student"],
        "urlpath": ["lab/tree/usvn-fork/notebooks/01-trace-us-vietnam-relations.ipynb?autodecode"],
    }


def test_the_clone_folder_keeps_a_git_suffix_as_nbgitpuller_does():
    assert clone_folder("file:///srv/git/usvn.git") == "usvn.git"
    assert clone_folder("https://github.com/usvn-course/usvn/") == "usvn"


@pytest.mark.parametrize(
    "hub, path, message",
    [
        ("hub.example.edu", "notebooks/00-x.ipynb", "not a hub address"),
        ("https://hub.example.edu", "/notebooks/00-x.ipynb", "must be a path inside the repository"),
        ("https://hub.example.edu", "", "must be a path inside the repository"),
    ],
)
def test_bad_link_input_is_named(hub, path, message):
    with pytest.raises(ValueError, match=message):
        nbgitpuller_url(hub, path)


def test_a_repository_without_a_scheme_is_named():
    with pytest.raises(ValueError, match="not a repository URL"):
        clone_folder("usvn")


def test_the_links_table_has_a_row_per_lesson_and_a_hub_column_only_for_a_hub():
    lessons = load_lessons()
    assert lessons
    plain = lesson_links_markdown().splitlines()
    with_hub = lesson_links_markdown("https://hub.example.edu").splitlines()
    assert len(plain) == len(with_hub) == len(lessons) + 2
    assert "JupyterHub" not in plain[0] and "JupyterHub (nbgitpuller)" in with_hub[0]
    for lesson, row in zip(lessons, with_hub[2:]):
        assert f"urlpath=lab/tree/notebooks/{lesson.notebook})" in row  # Binder opens the repository's top
        assert f"urlpath=lab/tree/usvn/notebooks/{lesson.notebook}%3Fautodecode)" in row


def test_every_student_link_points_at_the_student_branch_never_main():
    table = lesson_links_markdown("https://hub.example.edu")
    binder = re.findall(r"\((https://mybinder\.org/[^)]+)\)", table)
    hub = re.findall(r"\((https://hub\.example\.edu/[^)]+)\)", table)
    assert len(binder) == len(hub) == len(load_lessons()) > 0
    assert all("/usvn-course/usvn/student?" in link for link in binder), binder
    assert all(parse_qs(urlsplit(link).query)["branch"] == ["student"] for link in hub), hub


def test_the_readme_badge_opens_lesson_00_on_the_student_branch():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"\[!\[Open lesson 00 on Binder\]\([^)]+\)\]\(([^)]+)\)", readme)
    assert badge, "the README lost its Binder badge"
    assert badge[1] == binder_url("notebooks/00-how-to-use-this-module.ipynb")
    assert "/student?" in badge[1]


def test_the_links_command_defaults_to_the_student_branch(capsys):
    assert main(["links", "--hub", "https://hub.example.edu"]) == 0
    out = capsys.readouterr().out
    assert "branch=student" in out and "branch=main" not in out
