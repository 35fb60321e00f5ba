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


GOOD_CASE = """\
cases:
  - id: case-scope-01
    domain: scope
    title: A case
    scenario: One scenario for both parts.
    parts:
      - id: scope-911
        question: What next?
        kind: single
        options:
          - {id: a, text: First, feedback: Why first.}
          - {id: b, text: Second, feedback: Why second.}
          - {id: c, text: Third, feedback: Why third.}
        key: a
        rationale: Because.
        code_section: Code of Ethics > Scope of Practice and Competence
      - id: scope-912
        question: Which part of the Code governs that step?
        kind: single
        options:
          - {id: a, text: Scope, feedback: Why scope.}
          - {id: b, text: Safety, feedback: Why safety.}
          - {id: c, text: Dual, feedback: Why dual.}
        key: a
        rationale: Because.
        code_section: Code of Ethics > Scope of Practice and Competence
"""


def test_a_case_set_gives_every_part_its_scenario_and_numbers_the_parts(tmp_path: Path) -> None:
    """Each part of a case set is an item of its own with the shared scenario, case id and part number."""
    first, second = load_bank_file(_write(tmp_path, GOOD_CASE))
    assert (first.id, first.part, second.id, second.part) == ("scope-911", 1, "scope-912", 2)
    assert first.case == second.case == "case-scope-01" and first.parts == second.parts == 2
    assert first.scenario == second.scenario == "One scenario for both parts."
    assert second.domain == "scope" and second.title == "A case"


@pytest.mark.parametrize(("change", "message"), [
    (("      - id: scope-912", "      - scenario: Another story.\n        id: scope-912"),
     "given once for the whole case"),
    (("id: case-scope-01", "id: scope-case"), "must look like 'case-scope-01'"),
    (("        kind: single\n        options:\n          - {id: a, text: Scope", "        kind: reflection\n"
      "        rubric: [{criterion: C, points: 1}]\n        options:\n          - {id: a, text: Scope"),
     "a reflection has no options"),
])
def test_a_broken_case_set_is_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in GOOD_CASE
    with pytest.raises(BankError, match=message) as caught:
        load_bank_file(_write(tmp_path, GOOD_CASE.replace(*change, 1)))
    assert "bank.yaml" in str(caught.value)


def test_a_case_set_of_one_part_is_refused(tmp_path: Path) -> None:
    one = GOOD_CASE[:GOOD_CASE.index("      - id: scope-912")]
    with pytest.raises(BankError, match="two to four parts"):
        load_bank_file(_write(tmp_path, one))


REFLECTION = """\
items:
  - id: scope-921
    domain: scope
    title: A reflection
    scenario: A scenario.
    question: What would you do?
    kind: reflection
    rubric:
      - criterion: Names the limit
        points: 2
        levels:
          - {points: 0, description: Names no limit.}
          - {points: 2, description: Names the limit and why.}
          - {points: 1, description: Names the limit only.}
    rationale: Because.
    code_section: Code of Ethics > Scope of Practice and Competence
"""


def test_an_analytic_rubric_keeps_its_levels_highest_first(tmp_path: Path) -> None:
    (vignette,) = load_bank_file(_write(tmp_path, REFLECTION))
    assert [level.points for level in vignette.rubric[0].levels] == [2, 1, 0]
    assert vignette.rubric[0].levels[0].description == "Names the limit and why."


@pytest.mark.parametrize(("change", "message"), [
    (("{points: 0, description: Names no limit.}", "{points: 0.5, description: Names no limit.}"), "down to 0"),
    (("{points: 1, description: Names the limit only.}", "{points: 2, description: Names the limit only.}"),
     "same points"),
    (("{points: 2, description: Names the limit and why.}", "{points: 3, description: Names the limit and why.}"),
     "from 0 to the criterion's 2 points"),
    (("{points: 1, description: Names the limit only.}", "{points: 1}"), "rubric\\[1\\].levels\\[3\\].description"),
])
def test_a_broken_rubric_level_is_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in REFLECTION
    with pytest.raises(BankError, match=message):
        load_bank_file(_write(tmp_path, REFLECTION.replace(*change)))
