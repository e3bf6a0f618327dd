"""Links that open a lesson in a classroom: Binder for self-study, nbgitpuller for a JupyterHub.

An nbgitpuller link sends a student through their hub to the ``git-pull`` page of their own server, which
clones the module (or merges new commits into their copy, keeping their edits) and then opens ``urlpath``.
nbgitpuller clones into a folder named after the last part of the repository URL, so ``urlpath`` must
start with that folder; its default branch is ``master``, so ``branch`` is always given. Students get the ``student`` branch, the tree
``usvn release --branch student`` writes (no solutions, hidden tests or instructor pages).

>>> nbgitpuller_url("https://hub.example.edu", "notebooks/00-how-to-use-this-module.ipynb")
'https://hub.example.edu/hub/user-redirect/git-pull?repo=https://github.com/usvn-course/usvn&branch=student&urlpath=lab/tree/usvn/notebooks/00-how-to-use-this-module.ipynb%3Fautodecode'
>>> clone_folder("https://github.com/usvn-course/usvn/"), clone_folder("file:///srv/git/usvn.git")
('usvn', 'usvn.git')
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from usvn.authoring import REPOSITORY, STUDENT_BRANCH, binder_url
from usvn.course import MINUTES, NUMBER, Column, lesson_table

__all__ = ["clone_folder", "lesson_links_markdown", "nbgitpuller_url"]


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: the URL's last part, as nbgitpuller itself computes it."""
    folder = repo.rstrip("/").split("/")[-1]
    if not folder or not urlsplit(repo).scheme:
        raise ValueError(f"'{repo}' is not a repository URL such as {REPOSITORY}.")
    return folder


def nbgitpuller_url(hub_url: str, notebook_path: str, repo: str = REPOSITORY, branch: str = STUDENT_BRANCH) -> str:
    """A link that pulls the module into a student's hub server and opens ``notebook_path`` in JupyterLab.

    ``hub_url`` is the hub's public address (without ``/hub``); ``notebook_path`` is relative to the
    repository's top folder.
    """
    if not urlsplit(hub_url).scheme:
        raise ValueError(f"'{hub_url}' is not a hub address such as https://hub.example.edu.")
    if notebook_path.startswith("/") or not notebook_path:
        raise ValueError(f"'{notebook_path}' must be a path inside the repository, such as notebooks/00-....ipynb.")
    urlpath = f"lab/tree/{clone_folder(repo)}/{notebook_path}?autodecode"
    query = urlencode({"repo": repo, "branch": branch, "urlpath": urlpath}, safe="/:")
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def lesson_links_markdown(hub_url: str | None = None, repo: str = REPOSITORY, branch: str = STUDENT_BRANCH) -> str:
    """A Markdown table with each lesson's Binder link and, given a hub address, its nbgitpuller link.

    >>> lesson_links_markdown().splitlines()[:2]
    ['| No. | Lesson | Minutes | Binder |', '|---|---|---|---|']
    """
    columns = [
        NUMBER,
        Column("Lesson", lambda lesson: lesson.title),
        MINUTES,
        Column("Binder", lambda lesson: f"[open on Binder]({binder_url(f'notebooks/{lesson.notebook}')})"),
    ]
    if hub_url:

        def hub_link(lesson) -> str:
            return f"[open on the hub]({nbgitpuller_url(hub_url, f'notebooks/{lesson.notebook}', repo, branch)})"

        columns.append(Column("JupyterHub (nbgitpuller)", hub_link))
    return lesson_table(columns)
