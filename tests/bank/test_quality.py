"""The bank as a certification body's assessment designer would check it."""

from __future__ import annotations

import collections
import re

import pytest

from trainingkit.bank import load_bank
from trainingkit.bank.model import DOMAINS, Kind
from trainingkit.course import Course
from trainingkit.exam.blueprint import load_blueprint

#: Words that mean a scenario needs a content note, and the note each needs.
SENSITIVE = {
    "suicide": r"suicid|end (?:his|her|their) (?:own )?life|kill (?:him|her|them)sel(?:f|ves)",
    "self-harm": r"self-harm|harming (?:him|her|them)self|cutting (?:him|her|them)self",
    "abuse": r"\babus(?:e|ed|er|ers|ive)\b",
    "substance-use": r"\bdrunk\b|\bintoxicat|\balcohol\b|\bcocaine\b|\bheroin\b|\boverdos|\bcannabis\b|\bpsilocybin\b"
                     r"|\bketamine\b|\bayahuasca\b|\bMDMA\b|\bpsychedelic",
    "death": r"\bdied\b|\bfuneral\b|\bbereave",
}
#: Notes that also cover a topic (sexual abuse is abuse).
ALSO_COVERS = {"sexual-abuse": {"abuse"}}


@pytest.fixture(scope="module")
def bank(project: Course):
    return load_bank(project.bank_dir)


def test_the_bank_holds_at_least_240_items_and_60_per_domain(bank) -> None:
    """Enough items for a renewal exam given every two years for twenty years."""
    per_domain = collections.Counter(v.domain for v in bank.values())
    assert len(bank) >= 240 and all(per_domain[d] >= 60 for d in DOMAINS), per_domain


def test_every_high_stakes_area_has_at_least_12_items(bank, project: Course) -> None:
    """Each high-stakes area of the blueprint has a dozen items or more to draw forms from."""
    per_area = collections.Counter(v.area for v in bank.values() if v.kind.is_choice)
    short = {a.id: per_area[a.id] for a in load_blueprint(project.blueprint_file).areas
             if a.high_stakes and per_area[a.id] < 12}
    assert short == {}


def test_every_choice_item_is_tagged_for_the_blueprint(bank, project: Course) -> None:
    """Each choice item names a blueprint area and carries a provisional Angoff rating."""
    areas = {a.id for a in load_blueprint(project.blueprint_file).areas}
    untagged = sorted(v.id for v in bank.values() if v.kind.is_choice and (v.area not in areas or v.angoff is None))
    assert untagged == []


def test_the_key_is_rarely_the_longest_option(bank) -> None:
    """The key is the longest option in at most a quarter of single-choice items."""
    singles = [v for v in bank.values() if v.kind is Kind.SINGLE]
    longest = [v.id for v in singles if max(v.options, key=lambda o: len(o.text)).id in v.key]
    assert len(longest) <= len(singles) / 4, (len(longest), len(singles))


def test_key_positions_are_balanced(bank) -> None:
    """Across single-choice items no option letter is the key much more often than the others."""
    counts = collections.Counter(next(iter(v.key)) for v in bank.values() if v.kind is Kind.SINGLE)
    four = [counts[letter] for letter in "abcd"]
    assert max(four) <= 1.5 * min(four), counts


def test_absolutes_are_no_tell(bank) -> None:
    """'Always' and 'never' are not much more common in wrong options than in keys, per option."""
    def rate(options):
        options = list(options)
        return sum(bool(re.search(r"\b(always|never)\b", o.text, re.I)) for o in options) / max(len(options), 1)
    keys = [o for v in bank.values() if v.kind.is_choice for o in v.options if o.id in v.key]
    wrong = [o for v in bank.values() if v.kind.is_choice for o in v.options if o.id not in v.key]
    assert rate(wrong) <= 2 * rate(keys) + 0.02


def test_every_sensitive_scenario_has_its_content_note(bank) -> None:
    """A scenario that mentions suicide, self-harm, abuse, substances or death carries that content note."""
    missing = []
    for vignette in bank.values():
        notes = set(vignette.content_notes).union(*(ALSO_COVERS.get(n, set()) for n in vignette.content_notes))
        for note, pattern in SENSITIVE.items():
            if re.search(pattern, vignette.scenario, re.I) and note not in notes:
                missing.append(f"{vignette.id}: {note}")
    assert missing == []


def test_scenarios_open_in_varied_ways(bank) -> None:
    """Few scenarios open with the stock 'Name, age,' pattern."""
    stock = [v.id for v in bank.values() if re.match(r"^[A-Z][a-z]+(?: [A-Z][a-z]+)?, (?:an? )?\d{2}", v.scenario)]
    assert len(stock) <= len(bank) / 10, stock
