"""The memo editor (draft kept in a Markdown file beside the notebook) and the rubric self-check."""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from usvn.display import WithStaticFallback, announce
from usvn.memo import (
    DEFAULT_PATH,
    MemoDraft,
    check_memo,
    evidence_catalogue,
    example_memo_html,
    load_memo_template,
    memo_from_markdown,
    memo_to_markdown,
)
from usvn.notes import write_text_atomic
from usvn.rubrics import Rubric, load_rubric, rubric_html, self_score
from usvn.text import cite_html, inline_markdown
from usvn.widgets.choices import ChoiceGroup, ChoiceList
from usvn.widgets.saving import Autosave, restore_value

__all__ = ["MemoEditor", "RubricSelfCheck", "show_example_memo", "show_rubric"]


def show_rubric(rubric_id: str = "memo") -> HTML:
    """Display a rubric as a table."""
    return HTML(rubric_html(load_rubric(rubric_id)))


def show_example_memo(example_id: str) -> HTML:
    """Display an annotated example memo (``memo.yaml``, ``examples``)."""
    return HTML(example_memo_html(example_id))


class MemoEditor:
    """One text area per memo section and a list of cited evidence; the draft is kept on disk as it changes
    (each box when the focus leaves it), and on Save and Check."""

    def __init__(self, path: Path = DEFAULT_PATH) -> None:
        self.template = load_memo_template()
        self.catalogue = {item.id: item for item in evidence_catalogue()}
        self.path = path
        self.areas = {
            section.id: widgets.Textarea(
                value="",
                placeholder=f"{section.prompt} (at least {section.min_words} words)",
                description=section.title,
                style={"description_width": "9em"},
                continuous_update=False,
                layout=widgets.Layout(width="95%", height="6em" if section.id != "question" else "3.5em"),
            )
            for section in self.template.sections
        }
        self.evidence = ChoiceList(
            options=[(item.option_label, item.id) for item in self.catalogue.values()],
            value=(),
            rows=10,
            description="Evidence",
        )
        self.chosen = widgets.HTML()
        self.evidence.observe(lambda _: self._show_chosen(), names="value")
        self.save_button = widgets.Button(
            description="Save draft",
            icon="save",
            tooltip=f"Write your draft to {path}",
            layout=widgets.Layout(width="auto"),
        )
        self.check_button = widgets.Button(
            description="Check my memo",
            button_style="primary",
            icon="check",
            tooltip="Check the structure (and save the draft)",
            layout=widgets.Layout(width="auto"),
        )
        self.output = widgets.Output()
        self.save_button.on_click(lambda _: self.save())
        self.check_button.on_click(lambda _: self.check())
        self.unknown_evidence: tuple[str, ...] = ()
        self.load_message = self._load()
        evidence_help = (
            f"Tick at least {self.template.min_evidence} pieces of evidence from at least "
            f"{self.template.min_lessons} lessons (hold Ctrl or Shift to tick more than one; "
            "from the keyboard, Shift with the arrow keys extends the choice, and Ctrl with the arrow "
            "keys moves without choosing, then Ctrl+Space ticks). Each is listed below with its citation."
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(self._prompt_html()),
                *[self.areas[section.id] for section in self.template.sections if section.id != "evidence"][:2],
                self.areas["evidence"],
                widgets.HTML(f"<p>{escape(evidence_help)}</p>"),
                self.evidence,
                self.chosen,
                *[self.areas[section.id] for section in self.template.sections if section.id != "evidence"][2:],
                widgets.HBox([self.save_button, self.check_button]),
                self.output,
            ]
        )
        self._show_chosen()
        if self.load_message:
            announce(self.output, self.load_message)
        for control in (*self.areas.values(), self.evidence):
            control.observe(lambda _: self._save_quietly(), names="value")

    def _save_quietly(self) -> None:
        """Keep the draft as it changes; speak only when saving fails."""
        path, message = self._save()
        if path is None:
            announce(self.output, message)

    def _prompt_html(self) -> str:
        return (
            f"<p><strong>Memo question.</strong> {inline_markdown(self.template.question)}</p>"
            f"<p>{inline_markdown(self.template.context)} <small>({cite_html(self.template.context_sources)})"
            "</small></p>"
        )

    def _load(self) -> str:
        """Fill the controls from a saved draft, if there is one; never overwrite a file that cannot be read."""
        if not self.path.is_file():
            return ""
        try:
            draft = memo_from_markdown(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            unreadable = self.path
            self.path = self.path.with_name(self.path.stem + "-new.md")
            return (
                f"Could not read your saved draft {unreadable} ({error}); it is left untouched, and this "
                f"draft will be saved to {self.path} instead."
            )
        self.fill(draft)
        return f"Loaded your saved draft from {self.path}."

    def fill(self, draft: MemoDraft) -> None:
        for section_id, area in self.areas.items():
            area.value = draft.text(section_id)
        self.evidence.value = tuple(item_id for item_id in draft.evidence if item_id in self.catalogue)
        self.unknown_evidence = tuple(item_id for item_id in draft.evidence if item_id not in self.catalogue)

    def draft(self) -> MemoDraft:
        return MemoDraft(
            {key: area.value for key, area in self.areas.items()}, tuple(self.evidence.value) + self.unknown_evidence
        )

    def _show_chosen(self) -> None:
        if not self.evidence.value:
            self.chosen.value = "<p><em>No evidence ticked yet.</em></p>"
            return
        items = "".join(
            f"<li><strong>Lesson {item.lesson:02d}.</strong> {inline_markdown(item.text)} "
            f"<small>({cite_html(item.sources)})</small></li>"
            for item in (self.catalogue[item_id] for item_id in self.evidence.value)
        )
        self.chosen.value = f"<p>Evidence you ticked, with the citations to use in your text:</p><ul>{items}</ul>"

    def _save(self) -> tuple[Path | None, str]:
        try:
            write_text_atomic(self.path, memo_to_markdown(self.draft()))
            path = self.path
        except OSError as error:
            return None, (
                f"Could not save your draft ({error.strerror or error}). "
                "Copy your text somewhere safe before closing the notebook."
            )
        return path, f"Saved your draft to {path} (beside this notebook)."

    def save(self) -> Path | None:
        path, message = self._save()
        announce(self.output, message)
        return path

    def check(self) -> bool:
        _, saved = self._save()
        result = check_memo(self.draft(), self.template)
        if result.ok:
            announce(self.output, f"{saved} {result.summary()}")
        else:
            items = "".join(f"<li>{escape(problem)}</li>" for problem in result.problems)
            announce(
                self.output, f"{saved} Not ready yet: {len(result.problems)} thing(s) to fix.", f"<ul>{items}</ul>"
            )
        return result.ok

    def _repr_mimebundle_(self, **kwargs):
        sections = "".join(
            f"<li><strong>{escape(section.title)}.</strong> {escape(section.prompt)}</li>"
            for section in self.template.sections
        )
        static = (
            f"{self._prompt_html()}<p>Run this notebook to write your memo in these sections:</p><ol>{sections}</ol>"
        )
        text = "Memo editor: question, recommendation, evidence, counter-argument, risks. Run this notebook to write."
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)


class RubricSelfCheck:
    """Choose the level that fits your draft on each criterion; see your score and what the next level asks.

    The levels chosen are saved in ``my-notes/05-rubric-<rubric id>.json`` as they change, and come back when the
    cell runs again.
    """

    def __init__(self, rubric: Rubric | str = "memo", notes_folder: Path | None = None) -> None:
        self.rubric = load_rubric(rubric) if isinstance(rubric, str) else rubric
        self.choices = {
            criterion.id: ChoiceGroup(
                options=[(f"{level.label} ({level.points:g})", level.id) for level in self.rubric.levels],
                value=None,
                description=criterion.name,
                orientation="horizontal",
            )
            for criterion in self.rubric.criteria
        }
        self.score_button = widgets.Button(
            description="Score my draft",
            button_style="primary",
            icon="check-square",
            tooltip="Add up your self-assessment",
            layout=widgets.Layout(width="auto"),
        )
        self.output = widgets.Output()
        self.score_button.on_click(lambda _: self.score())
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    "<p>For each criterion, pick the level whose description in the rubric above fits your "
                    "draft best. Be honest: this is for you, not for a grade.</p>"
                ),
                *self.choices.values(),
                self.score_button,
                self.output,
            ]
        )
        self.autosave = Autosave(
            f"05-rubric-{self.rubric.id}",
            "rubric",
            lambda: {key: control.value for key, control in self.choices.items()},
            self.output,
            notes_folder,
        )
        with self.autosave.muted():
            for key, level in self.autosave.data.items():
                if key in self.choices:
                    restore_value(self.choices[key], level)
        self.autosave.watch(self.choices.values())
        self.autosave.report_load()

    def score(self):
        result = self_score(self.rubric, {key: control.value for key, control in self.choices.items()})
        if result.ok and result.next_steps:
            items = "".join(
                f"<li><strong>{escape(name)}</strong>, to reach {escape(label)}: {escape(text)}</li>"
                for name, label, text in result.next_steps
            )
            announce(self.output, result.summary(), f"<p>What the next level asks:</p><ul>{items}</ul>")
        elif result.ok:
            announce(
                self.output,
                f"{result.summary()} Top level on every criterion. Ask a classmate to check that judgement.",
            )
        else:
            announce(self.output, result.summary())
        return result

    def _repr_mimebundle_(self, **kwargs):
        static = f"<p>Run this notebook to score your own draft against the {escape(self.rubric.title)} rubric.</p>"
        text = f"Rubric self-check ({len(self.rubric.criteria)} criteria). Run this notebook to use it."
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
