"""What the JupyterLab extension asks the kernel to do when a trainingkit notebook opens.

The extension (``labextension/``) draws a notebook's questions without anyone pressing Run.
It must not run a cell's code for that: a notebook can come from someone else (a submission,
a file passed on by e-mail) and carry the trainingkit marker with code of its own, and
running it on open would skip the one defence Jupyter has, that code runs only when the
person chooses. So the extension sends the cell's source to :func:`draw`, which *parses* it
and accepts only what ``trainingkit build`` writes: imports of the question and figure
functions and one call to one of them with literal arguments. Anything else is refused
with a short message in the cell; nothing of it runs. The extension marks what ``draw``
displays as trusted, as JupyterLab does for a cell a person runs: the functions it calls
escape every string they are given, so a forged notebook's text shows as text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from importlib import import_module
from typing import Any

#: The functions a widget cell may call, by module.
ALLOWED: dict[str, frozenset[str]] = {
    "trainingkit.questions": frozenset({"single_choice", "multiple_select", "reflection", "knowledge_check",
                                        "placeholder"}),
    "trainingkit.figures": frozenset({"renewal_timeline"}),
    "trainingkit.returned": frozenset({"feedback_summary"}),  # an assignment's returned summary
    "trainingkit.progress": frozenset({"progress_widget"}),  # lesson 00's progress table
}
#: A built-in a widget cell may call (the summary placeholder of an assignment prints a line).
BUILTINS = frozenset({"print"})
REFUSED = ("This part of the page could not be drawn because its cell was changed. "
           "Your saved answers are safe; ask your supervisor for a fresh copy of this notebook.")


class NotAWidgetCell(ValueError):
    """The source is not a widget cell as ``trainingkit build`` writes it."""


@dataclass(frozen=True)
class WidgetCall:
    """The one call a widget cell makes: ``module.function(*args, **kwargs)``, arguments literal."""

    module: str
    function: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


def parse(source: str) -> WidgetCall:
    """Read a widget cell's source as data. Pure; raises :class:`NotAWidgetCell`."""
    try:
        body = ast.parse(source).body
    except SyntaxError as error:
        raise NotAWidgetCell(f"not Python: {error.msg}") from None
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        raise NotAWidgetCell("a widget cell ends with one call")
    imported: dict[str, str] = {}
    for statement in body[:-1]:
        if not isinstance(statement, ast.ImportFrom) or statement.module not in ALLOWED or statement.level:
            raise NotAWidgetCell(f"line {statement.lineno}: only imports of trainingkit's widgets are allowed")
        for name in statement.names:
            if name.asname or name.name not in ALLOWED[statement.module]:
                raise NotAWidgetCell(f"line {statement.lineno}: {name.name!r} is not a widget function")
            imported[name.name] = statement.module
    call = body[-1].value
    if not isinstance(call.func, ast.Name) or call.func.id not in {*imported, *BUILTINS}:
        raise NotAWidgetCell("the call is not to an imported widget function")
    try:
        args = tuple(ast.literal_eval(arg) for arg in call.args)
        kwargs = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
    except ValueError:
        raise NotAWidgetCell("the call's arguments are not plain values") from None
    if None in kwargs:
        raise NotAWidgetCell("the call's arguments are not plain values")
    module = imported.get(call.func.id, "builtins")
    return WidgetCall(module, call.func.id, args, kwargs)  # type: ignore[arg-type]


def draw(source: str) -> Any:
    """Draw what a widget cell draws, from its source read as data; refuse anything else."""
    try:
        call = parse(source)
    except NotAWidgetCell:
        from IPython.display import Markdown, display

        display(Markdown(f"&#9888; {REFUSED}"))
        return None
    return getattr(import_module(call.module), call.function)(*call.args, **call.kwargs)
