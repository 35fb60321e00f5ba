"""The bank schema is checked by code, and every error names file, line, item and field."""

from pathlib import Path

import pytest

from trainingkit.bank import BankError, Kind, load_bank, load_bank_file
from trainingkit.course import Course

GOOD_ITEM = """\
items:
  - id: scope-901
    domain: scope
    title: A title
    scenario: A scenario.
    question: A question?
    kind: single
    points: 1
    options:
      - {id: a, text: First, feedback: Why first.}
      - {id: b, text: Second, feedback: Why second.}
      - {id: c, text: Third, feedback: Why third.}
    key: b
    rationale: Because.
    code_section: Code of Ethics > Scope of Practice and Competence
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(text)
    return path


def test_the_project_bank_validates(project: Course) -> None:
    """Every vignette in the project's bank passes the schema."""
    bank = load_bank(project.bank_dir)
    assert len(bank) >= 8


def test_a_good_item_loads(tmp_path: Path) -> None:
    """A well-formed item becomes a Vignette with its key."""
    (vignette,) = load_bank_file(_write(tmp_path, GOOD_ITEM))
    assert vignette.kind is Kind.SINGLE and vignette.key == {"b"} and vignette.points == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    (("key: b", "key: e"), "key", "not one of the option ids"),
    (("domain: scope", "domain: weight-loss"), "domain", "is not one of"),
    (("kind: single", "kind: essay"), "kind", "is not one of"),
    (("points: 1", "points: -1"), "points", "above 0"),
    (("    question: A question?\n", ""), "question", "non-empty text"),
    (("code_section: Code of Ethics > Scope of Practice and Competence", "code_section: Somewhere"),
     "code_section", "not a known section"),
    (("{id: c,", "{id: b,"), "options[3].id", "used twice"),
    (("key: b", "key: [a, b]"), "key", "exactly one correct option"),
])
def test_an_error_names_file_line_item_and_field(tmp_path: Path, change: tuple[str, str],
                                                 field: str, message: str) -> None:
    """A broken field is reported with the file, the item's line, the item id and the field."""
    path = _write(tmp_path, GOOD_ITEM.replace(*change))
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    text = str(caught.value)
    assert f"{path}:2: item 'scope-901': field '{field}'" in text and message in text


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error names the file and line."""
    path = _write(tmp_path, "items:\n  - id: [unclosed\n")
    with pytest.raises(BankError, match=r"bank\.yaml:\d+: is not valid YAML"):
        load_bank_file(path)


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    """The same id in two bank files is refused, naming both files."""
    (tmp_path / "a.yaml").write_text(GOOD_ITEM)
    (tmp_path / "b.yaml").write_text(GOOD_ITEM)
    with pytest.raises(BankError, match=r"b\.yaml: item 'scope-901': field 'id': id is already used in .*a\.yaml"):
        load_bank(tmp_path)


def test_a_reflection_needs_a_rubric(tmp_path: Path) -> None:
    """A reflection without a rubric is refused."""
    text = GOOD_ITEM.replace("kind: single", "kind: reflection")
    text = text.split("    options:")[0] + "    rationale: r\n    code_section: Therapy vs Coaching\n"
    with pytest.raises(BankError, match="field 'rubric'"):
        load_bank_file(_write(tmp_path, text))
