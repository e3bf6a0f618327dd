"""In JupyterLab and Chromium: "Download my work" downloads a zip, and the instructor-only key check shows folded.

The lesson is lesson 00 as ``usvn refresh`` writes it (its generated cells applied in memory, so the test does not
depend on the stored copy having been refreshed), saved beside the lessons in the server's folder with a note in
``my-notes/``. The test runs it, checks that the key-check cell is collapsed (input and output) with its label
visible, presses the button with the keyboard, waits for the link the button announces, clicks it, and reads the
zip Chromium downloaded (Playwright's download event). JupyterLab shows a folded cell's output again once the
cell runs (Run All), so the folded output is checked as the notebook opens, the folded code after the run too.
"""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from browser.lab import ROOT, LabNotebook
from usvn.authoring import apply_generated_cells

STEM = "00-how-to-use-this-module"
NAME = "00-refreshed-download-check.ipynb"
NOTE = "My note: the 2013 Constitution and the Penal Code, side by side.\n"


@pytest.fixture(scope="module")
def refreshed(browser, lab_server):
    notebook = apply_generated_cells(nbformat.read(ROOT / "notebooks" / f"{STEM}.ipynb", as_version=4), STEM)
    nbformat.write(notebook, lab_server.root / NAME)
    (lab_server.root / "my-notes").mkdir(exist_ok=True)
    (lab_server.root / "my-notes" / "00-download-check.md").write_text(NOTE)
    from browser.conftest import new_page

    lab = LabNotebook(new_page(browser), lab_server, NAME).open()
    lab.opened = key_check_state(lab)  # as a student first sees it
    lab.run_all()
    try:
        yield lab
    finally:
        lab.shutdown_kernel()
        lab.page.context.close()


def key_check_state(lab) -> dict:
    return lab.page.evaluate(
        """() => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets;
            const index = cells.findIndex(cell => cell.model.sharedModel.source.includes('.key_check()'));
            const cell = cells[index];
            const visible = node => !!node && node.offsetParent !== null && node.getBoundingClientRect().height > 0;
            return {
                index, inputHidden: cell.inputHidden, outputHidden: cell.outputHidden,
                placeholders: [...cell.node.querySelectorAll('.jp-Placeholder')].filter(visible).length,
                editorVisible: visible(cell.node.querySelector('.jp-InputArea-editor')),
                outputVisible: visible(cell.node.querySelector('.jp-OutputArea-output')),
                ran: cell.model.executionCount !== null,
                // The label's text from the model: JupyterLab renders cells far from the viewport lazily.
                label: cells[index - 1].model.sharedModel.source,
                labelHidden: cells[index - 1].inputHidden,
            };
        }"""
    )


def test_the_key_check_cell_shows_collapsed_with_its_label_visible(refreshed):
    opened = refreshed.opened
    assert opened["index"] > 0, "no key-check cell in lesson 00"
    assert opened["inputHidden"] and opened["outputHidden"], opened
    assert opened["placeholders"] >= 1 and not opened["editorVisible"] and not opened["outputVisible"], opened
    assert "for instructors" in opened["label"].lower() and not opened["labelHidden"], opened["label"]
    # Run All runs it (nbval needs it) and JupyterLab then shows its output, which names no answer;
    # the code itself stays folded.
    ran = key_check_state(refreshed)
    assert ran["ran"] and ran["inputHidden"] and not ran["editorVisible"], ran
    refreshed.screenshot_of(refreshed.page.locator(".jp-Placeholder").first, "key-check-folded")


def test_download_my_work_offers_a_zip_that_downloads_with_the_notes_and_notebooks(refreshed, tmp_path):
    page = refreshed.page
    button = page.get_by_role("button", name="Download my work")
    assert button.count() == 1
    button.focus()
    page.keyboard.press("Enter")
    link = page.locator("a.usvn-download-link")
    link.wait_for(timeout=30_000)
    alert = page.locator('.usvn-feedback[role="alert"]').filter(has_text="Your zip is ready")
    assert alert.count() == 1 and "1 file from my-notes" in alert.inner_text()
    refreshed.screenshot_of(link, "download-link")
    with page.expect_download(timeout=30_000) as event:
        link.click()
    download = event.value
    assert download.failure() is None
    assert download.suggested_filename.startswith("usvn-my-work-") and download.suggested_filename.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        # The server's folder is called notebooks/, as in the module, so paths in the zip start there.
        assert archive.read("notebooks/my-notes/00-download-check.md").decode() == NOTE
        assert f"notebooks/{NAME}" in names and f"notebooks/{STEM}.ipynb" in names
        assert "ABOUT-THIS-ZIP.txt" in names
        assert not any(name.endswith(".zip") or ".ipynb_checkpoints" in name for name in names)
