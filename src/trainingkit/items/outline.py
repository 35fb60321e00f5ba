"""The shape of a course as the dashboard needs it: lessons, assignments and their items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trainingkit.bank.model import DOMAINS
from trainingkit.course import Course

__all__ = ["ItemOutline", "Outline", "builtin_outline", "course_outline"]


@dataclass(frozen=True)
class ItemOutline:
    """One graded item: its id (the nbgrader ``grade_id``), domain, kind and points."""

    id: str
    domain: str
    kind: str
    points: float


@dataclass(frozen=True)
class Outline:
    """Lessons (with their knowledge checks) and assignments (with their items), in order."""

    lesson_checks: Mapping[str, tuple[str, ...]]
    assignment_items: Mapping[str, tuple[str, ...]]
    items: Mapping[str, ItemOutline] = field(default_factory=dict)

    def domain_of(self, item_id: str) -> str:
        """The item's domain id, or ``"unknown"`` for an item the bank no longer holds."""
        item = self.items.get(item_id)
        return item.domain if item else "unknown"


def course_outline(course: Course) -> Outline:
    """The outline of a course from its bank, assignments and lessons."""
    from trainingkit.build import load_course
    from trainingkit.lessons import load_lessons

    bank, assignments = load_course(course)
    lessons = load_lessons(course.lessons_dir)
    return Outline(
        lesson_checks={lesson.id: tuple(section.check.id for section in lesson.sections if section.check)
                       for lesson in lessons},
        assignment_items={assignment.id: tuple(v.id for v in assignment.vignettes(bank))
                          for assignment in assignments.values()},
        items={v.id: ItemOutline(v.id, v.domain, v.kind.value, v.points) for v in bank.values()},
    )


def builtin_outline() -> Outline:
    """A small made-up course (4 lessons, 2 assignments of 8 items), for when no course is found."""
    domains = list(DOMAINS)
    items = {f"item-{n:02d}": ItemOutline(f"item-{n:02d}", domains[n % len(domains)],
                                          "reflection" if n % 8 == 0 else "single", 2.0 if n % 8 == 0 else 1.0)
             for n in range(1, 17)}
    return Outline(
        lesson_checks={f"{n:02d}-lesson": tuple(f"l{n:02d}-c{c}" for c in range(1, 4)) for n in range(4)},
        assignment_items={"practice-one": tuple(list(items)[:8]), "practice-two": tuple(list(items)[8:])},
        items=items,
    )
