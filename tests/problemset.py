"""An ordinary nbgrader problem set, written the way instructors write them, for the grader's tests.

A locked setup cell defines the data (``COUNTRIES``, ``WEIGHTS``); test cells call the student's functions
on that data in loops, through helper functions defined in test cells (one used again in a later test),
comprehensions, ``map``, ``math.isclose``, ``sorted`` and ``len``; hidden tests; one hand-graded answer.
Nothing in it is specific to this module's grader.
"""

from __future__ import annotations

import copy

from gradingkit import cell, notebook_of

SETUP = """import math

COUNTRIES = {
    "Arcadia": {"trade": 9.0, "labor": 7.0, "rights": 6.2},
    "Borduria": {"trade": 6.5, "labor": 4.0, "rights": 2.5},
    "Carpania": {"trade": 3.0, "labor": 5.5, "rights": 7.0},
    "Dorne": {"trade": 1.0, "labor": 2.0, "rights": 1.5},
}
WEIGHTS = {"trade": 5.0, "labor": 3.0, "rights": 2.5}"""

SOLUTIONS = {
    "weighted": '''def weighted_score(profile, weights):
    """Sum of each criterion's value times its weight, rounded to one decimal."""
    return round(sum(profile[criterion] * weight for criterion, weight in weights.items()), 1)''',
    "classify": '''def classify(score):
    """'high' from 60 up, 'middle' from 30 up, else 'low'."""
    if score >= 60:
        return "high"
    if score >= 30:
        return "middle"
    return "low"''',
    "ranking": """ranking = sorted(COUNTRIES, key=lambda name: weighted_score(COUNTRIES[name], WEIGHTS), reverse=True)""",
    "normalise": '''def normalise(scores):
    """Each score divided by the largest, as a new dict."""
    top = max(scores.values())
    return {name: value / top for name, value in scores.items()}''',
}

TESTS = {
    "weighted": """assert weighted_score(COUNTRIES["Arcadia"], WEIGHTS) == 81.5
def close_enough(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
### BEGIN HIDDEN TESTS
expected = {"Arcadia": 81.5, "Borduria": 50.8, "Carpania": 49.0, "Dorne": 14.8}
for name in COUNTRIES:
    assert close_enough(weighted_score(COUNTRIES[name], WEIGHTS), expected[name]), name
assert weighted_score({"trade": 1.0}, {"trade": 2.0}) == 2.0
### END HIDDEN TESTS""",
    "classify": """assert classify(75) == "high"
assert list(map(classify, [95, 45, 10])) == ["high", "middle", "low"]
### BEGIN HIDDEN TESTS
labels = {name: classify(weighted_score(profile, WEIGHTS)) for name, profile in COUNTRIES.items()}
assert labels == {"Arcadia": "high", "Borduria": "middle", "Carpania": "middle", "Dorne": "low"}
assert [classify(edge) for edge in (60, 30, 29.9)] == ["high", "middle", "low"]
### END HIDDEN TESTS""",
    "ranking": """assert len(ranking) == len(COUNTRIES)
assert sorted(ranking) == sorted(COUNTRIES)
### BEGIN HIDDEN TESTS
assert ranking == ["Arcadia", "Borduria", "Carpania", "Dorne"]
### END HIDDEN TESTS""",
    "normalise": """scores = {name: weighted_score(profile, WEIGHTS) for name, profile in COUNTRIES.items()}
norm = normalise(scores)
assert isinstance(norm, dict) and set(norm) == set(COUNTRIES)
assert all(0 <= value <= 1 for value in norm.values())
### BEGIN HIDDEN TESTS
assert close_enough(norm["Arcadia"], 1.0)
assert close_enough(norm["Dorne"], 14.8 / 81.5)
assert scores == {name: weighted_score(profile, WEIGHTS) for name, profile in COUNTRIES.items()}, "inputs changed"
assert len(normalise({"x": 2.0, "y": 1.0})) == 2
### END HIDDEN TESTS""",
}

POINTS = {"weighted": 3, "classify": 2, "ranking": 2, "normalise": 3}


def source_notebook():
    cells = [
        cell("markdown", "# Problem set: comparing countries", "ps-intro", locked=True),
        cell("code", SETUP, "setup", locked=True),
    ]
    for name, answer in SOLUTIONS.items():
        cells.append(cell("markdown", f"**{name}.** Complete the code below."))
        body = answer.split("\n")
        if body[0].startswith("def "):
            first = body[0]
            indent = "    "
            doc = [line for line in body[1:2] if '"""' in line]
            rest = body[1 + len(doc) :]
            code = "\n".join([first, *doc, f"{indent}### BEGIN SOLUTION", *rest, f"{indent}### END SOLUTION"])
        else:
            code = "\n".join(["### BEGIN SOLUTION", answer, "### END SOLUTION"])
        cells.append(cell("code", code, name, solution=True))
        cells.append(cell("code", TESTS[name], f"{name}-test", grade=True, locked=True, points=POINTS[name]))
    cells.append(cell("markdown", "**Essay.** Which weight matters most, and why?"))
    cells.append(
        cell(
            "markdown",
            "### BEGIN SOLUTION\nTrade, because it has the largest weight.\n### END SOLUTION",
            "essay",
            solution=True,
            grade=True,
            points=2,
        )
    )
    return notebook_of(cells)


#: Honest answers: right, or wrong the way students get things wrong (never aimed at the grader).
VARIANTS = {
    "weighted": [
        SOLUTIONS["weighted"],
        "def weighted_score(profile, weights):\n    return sum(profile[c] * w for c, w in weights.items())",
        "def weighted_score(profile, weights):\n    return round(sum(profile.values()), 1)",
    ],
    "classify": [
        SOLUTIONS["classify"],
        "def classify(score):\n    return 'high' if score > 60 else 'middle' if score > 30 else 'low'",
        "def classify(score):\n    return 'high' if score >= 60 else 'low'",
    ],
    "ranking": [SOLUTIONS["ranking"], "ranking = sorted(COUNTRIES)", "ranking = list(COUNTRIES)[:3]"],
    "normalise": [
        SOLUTIONS["normalise"],
        "def normalise(scores):\n    total = sum(scores.values())\n"
        "    return {name: value / total for name, value in scores.items()}",
        "def normalise(scores):\n    top = max(scores.values())\n"
        "    for name in scores:\n        scores[name] = scores[name] / top\n    return scores",
    ],
    "essay": ["Trade weighs most (5.0), so it moves scores most.", "YOUR ANSWER HERE"],
}


def submission(number: int):
    """Student ``number``'s notebook: the source with each answer cell replaced by a variant."""
    notebook = copy.deepcopy(source_notebook())
    for item in notebook.cells:
        meta = item.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("solution") and grade_id in VARIANTS:
            options = VARIANTS[grade_id]
            item.source = options[(number * 7 + len(grade_id)) % len(options)] if number else options[0]
        elif meta.get("grade") and not meta.get("solution"):
            lines, hidden = [], False
            for line in item.source.split("\n"):
                if "BEGIN HIDDEN TESTS" in line:
                    hidden = True
                elif "END HIDDEN TESTS" in line:
                    hidden = False
                elif not hidden:
                    lines.append(line)
            item.source = "\n".join(lines)
    return notebook
