"""Domain objects of the vignette bank: a vignette, its options and its rubric."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: Assessment domains, by id, with the title trainees read.
DOMAINS: dict[str, str] = {
    "scope": "Scope of practice and competence",
    "dual": "Dual relationships and boundaries",
    "confidentiality": "Confidentiality, records and mandatory reporting",
    "safety": "Client safety and practice standards",
}

#: Topics that need a short, factual content note before the scenario.
CONTENT_NOTES: dict[str, str] = {
    "suicide": "suicidal thoughts",
    "self-harm": "self-harm",
    "abuse": "abuse",
    "sexual-abuse": "sexual abuse",
    "substance-use": "alcohol or drug use",
    "violence": "violence",
    "death": "death and bereavement",
}

#: Sections of the reference texts a rule can be cited from.
CODE_SECTIONS: tuple[str, ...] = (
    "Trauma Coaching Scope",
    "Guiding Principles > Work with Clients",
    "Guiding Principles > Coaching Practice",
    "Code of Ethics > Scope of Practice and Competence",
    "Code of Ethics > Exceptions from Other Training",
    "Code of Ethics > Confidentiality",
    "Code of Ethics > Standards of the Work",
    "Code of Ethics > Dual Relationships",
    "Code of Ethics > Client Safety",
    "Code of Ethics > Psychoactive Substances",
    "Code of Ethics > Professional and Personal Standards",
    "Code of Ethics > Failure to Cooperate",
    "Code of Ethics > Consequences of a Breach",
    "Therapy vs Coaching",
)


class Kind(str, Enum):
    """How a trainee answers a vignette."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    REFLECTION = "reflection"

    @property
    def is_choice(self) -> bool:
        return self is not Kind.REFLECTION


@dataclass(frozen=True)
class Option:
    """One answer option, with the feedback a trainee reads after choosing it."""

    id: str
    text: str
    feedback: str


@dataclass(frozen=True)
class RubricLevel:
    """One level of performance on a rubric criterion: its points and what an answer shows there."""

    points: float
    description: str


@dataclass(frozen=True)
class RubricCriterion:
    """One line of an analytic rubric: what a supervisor looks for, worth some points.

    ``levels`` (highest first, down to 0) say what an answer earns each score with.
    """

    criterion: str
    points: float
    levels: tuple[RubricLevel, ...] = ()


@dataclass(frozen=True)
class Vignette:
    """A graded case vignette: a scenario, a question and how it is scored."""

    id: str
    domain: str
    title: str
    scenario: str
    question: str
    kind: Kind
    points: float
    rationale: str
    code_section: str
    content_notes: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    key: frozenset[str] = frozenset()
    rubric: tuple[RubricCriterion, ...] = ()
    clauses: tuple[str, ...] = ()
    #: The ethics review blueprint's content area the item counts towards ("" when untagged).
    area: str = ""
    #: Items in a shared enemy group give each other away: never on one form together.
    enemies: tuple[str, ...] = ()
    #: Provisional Angoff rating: the chance a just-competent coach answers it right.
    angoff: float | None = None
    #: Why the item is retired (never assembled again; forms already given keep it), or "".
    retired: str = ""
    #: A case set's id when the item is one part of it (one scenario, linked questions scored
    #: separately, always given together and in order), with its part number and the case's size.
    case: str = ""
    part: int = 0
    parts: int = 0

    @property
    def domain_title(self) -> str:
        return DOMAINS[self.domain]

    @property
    def heading(self) -> str:
        """The title as a trainee reads it: a case set's parts share a title, so each says its part."""
        return f"{self.title} (part {self.part} of {self.parts})" if self.case else self.title

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(f"{self.id} has no option {option_id!r}")
