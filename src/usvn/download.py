"""The "Download my work" button: one zip of a student's ``my-notes/`` files and notebooks, to save before a
Binder session ends.

The model (:func:`find_module_root`, :func:`collect_work`, :func:`build_work_zip`) has no widget in it; the
view (:class:`DownloadWork`, shown by :func:`download_button`) is a button, a link and an announced message.

The zip is written beside the notebook (``usvn-my-work.zip``; each click replaces it) and offered as a link
with the ``download`` attribute: JupyterLab serves it from the student's own server (``/files/...``), and the
browser saves it under a dated name. A link to a file works on Binder, on a hub and locally, and keeps the
notebook small (a ``data:`` link would store the whole zip in the notebook's output).

What goes in: every notebook (``*.ipynb``) in the module's folder and its sub-folders (the lessons and the
exercises, as the student edited and saved them), and every file in any ``my-notes/`` folder. Hidden folders,
``.ipynb_checkpoints``, virtual environments and earlier zips are left out. A file that cannot be read is
skipped and named, in the message and in ``ABOUT-THIS-ZIP.txt`` inside the zip; nothing is changed on disk
except the zip itself.

>>> sorted(SKIPPED_FOLDERS)[:3]
['.git', '.ipynb_checkpoints', '.venv']
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

__all__ = [
    "WORK_ZIP",
    "DownloadWork",
    "WorkZip",
    "build_work_zip",
    "collect_work",
    "download_button",
    "find_module_root",
]

#: The file each click writes beside the notebook.
WORK_ZIP = "usvn-my-work.zip"
NOTES_FOLDER = "my-notes"
SKIPPED_FOLDERS = frozenset(
    {".git", ".ipynb_checkpoints", ".venv", "venv", "__pycache__", "node_modules", "site-packages", "_site", "build"}
)
#: Files larger than this are left out (and named): a zip offered in a browser should stay small.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class WorkZip:
    """What :func:`build_work_zip` wrote: the zip, the files in it, and the files skipped with the reason."""

    path: Path
    root: Path
    included: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [name for name in self.included if f"{NOTES_FOLDER}/" in f"/{name}"]

    @property
    def notebooks(self) -> list[str]:
        return [name for name in self.included if name.endswith(".ipynb")]


def find_module_root(start: Path | None = None) -> Path:
    """The module's top folder: the nearest of ``start`` (default: the current folder) and its two parents
    that holds a ``notebooks/`` folder; else ``start`` itself (a notebook copied somewhere else)."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *list(start.parents)[:2]):
        if (folder / "notebooks").is_dir():
            return folder
    return start


def collect_work(root: Path) -> list[Path]:
    """The files that belong in the zip, sorted: notebooks anywhere under ``root``, and files in ``my-notes/``."""
    root = Path(root)
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS and not name.startswith("."))
        in_notes = NOTES_FOLDER in Path(folder).relative_to(root).parts
        for name in sorted(files):
            if name.startswith(".") or name == WORK_ZIP or name.endswith(".partial"):
                continue
            if in_notes or name.endswith(".ipynb"):
                found.append(Path(folder) / name)
    return found


def _about(result: WorkZip, when: datetime) -> str:
    lines = [
        f"Your work from the US-Vietnam module, zipped on {when:%Y-%m-%d at %H:%M}.",
        "",
        "To carry on in a new session, upload these files into the same folders of the module",
        "(notebooks beside the lessons, notes into a my-notes folder).",
        "",
    ]
    lines += [f"Notebooks ({len(result.notebooks)}):"] + [f"  {name}" for name in result.notebooks]
    lines += [f"Notes from my-notes/ ({len(result.notes)}):"] + [f"  {name}" for name in result.notes]
    if not result.notes:
        lines.append("  (none yet: the lessons' tools save your writing there as you work)")
    if result.skipped:
        lines += ["", "Left out because they could not be read:"]
        lines += [f"  {name}: {reason}" for name, reason in result.skipped]
    return "\n".join(lines) + "\n"


def build_work_zip(root: Path, out: Path, *, now: datetime | None = None) -> WorkZip:
    """Write ``out`` (a zip of :func:`collect_work`), replacing an earlier one only once the new one is complete."""
    root, out = Path(root), Path(out)
    when = now or datetime.now()
    result = WorkZip(path=out, root=root)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in collect_work(root):
                name = path.relative_to(root).as_posix()
                if path.resolve() == out.resolve():
                    continue
                try:
                    if path.stat().st_size > MAX_FILE_BYTES:
                        result.skipped.append((name, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
                        continue
                    data = path.read_bytes()
                except OSError as error:
                    result.skipped.append((name, error.strerror or type(error).__name__))
                    continue
                archive.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)
                result.included.append(name)
            archive.writestr(
                zipfile.ZipInfo("ABOUT-THIS-ZIP.txt", date_time=when.timetuple()[:6]), _about(result, when)
            )
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return result


def summary(result: WorkZip) -> str:
    """The sentence the button announces.

    >>> summary(WorkZip(Path("z.zip"), Path("."), ["notebooks/a.ipynb", "notebooks/my-notes/a.md"], [("b.md", "x")]))
    'Your zip is ready: 1 notebook and 1 file from my-notes. Left out, could not be read: b.md (x).'
    """
    notebooks, notes = len(result.notebooks), len(result.notes)
    text = (
        f"Your zip is ready: {notebooks} notebook{'s' if notebooks != 1 else ''} and "
        f"{notes} file{'s' if notes != 1 else ''} from my-notes."
    )
    if not notes:
        text += " Nothing is saved in my-notes yet."
    if result.skipped:
        text += " Left out, could not be read: " + "; ".join(f"{name} ({reason})" for name, reason in result.skipped)
        text += "."
    return text


class DownloadWork:
    """A "Download my work" button; a click builds the zip and shows a link that downloads it."""

    def __init__(self, folder: Path | None = None, root: Path | None = None) -> None:
        import ipywidgets as widgets

        self.folder = Path(folder or Path.cwd())
        self.root = Path(root) if root else find_module_root(self.folder)
        self.button = widgets.Button(
            description="Download my work",
            icon="download",
            button_style="primary",
            tooltip="Zip your notes and notebooks and offer the zip as a download",
            layout=widgets.Layout(width="auto"),
        )
        self.feedback = widgets.Output()
        self.result: WorkZip | None = None
        self.button.on_click(lambda _: self.build())
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    "<p><strong>Download my work.</strong> Save your notebook first (Ctrl+S). The button "
                    "zips your saved notebooks and your <code>my-notes</code> files; then follow the link "
                    "to save the zip. On Binder, do this before you leave: the session and its files are "
                    "deleted when it ends.</p>"
                ),
                self.button,
                self.feedback,
            ]
        )

    def build(self, now: datetime | None = None) -> WorkZip | None:
        """Build the zip and announce the link; says so (and keeps what is on disk) if it cannot be written."""
        from usvn.display import announce

        when = now or datetime.now()
        try:
            self.result = build_work_zip(self.root, self.folder / WORK_ZIP, now=when)
        except OSError as error:
            announce(
                self.feedback,
                f"Could not write the zip in {self.folder}: {error.strerror or error}. "
                "Download your notebooks one by one (File, then Download).",
            )
            return None
        saved_as = f"usvn-my-work-{when:%Y-%m-%d-%H%M}.zip"
        link = (
            f'<p><a class="usvn-download-link" href="{escape(WORK_ZIP)}" download="{escape(saved_as)}">'
            f"Save {escape(saved_as)}</a> ({self.result.path.stat().st_size // 1024 + 1} KB)</p>"
        )
        announce(self.feedback, summary(self.result), link)
        return self.result

    def _repr_mimebundle_(self, **kwargs):
        from usvn.display import WithStaticFallback

        static = (
            "<p><strong>Download my work.</strong> In JupyterLab or on Binder, this cell shows a button that "
            "zips your notebooks and your <code>my-notes</code> files for you to download.</p>"
        )
        return WithStaticFallback(
            self.widget, static, "[Download my work: run this cell for the button]"
        )._repr_mimebundle_(**kwargs)


def download_button(folder: Path | None = None) -> DownloadWork:
    """The button for a lesson's last cell: ``download_button()``."""
    return DownloadWork(folder)
