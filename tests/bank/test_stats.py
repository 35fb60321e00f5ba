"""Bank statistics per domain and kind."""

import csv
import io

from click.testing import CliRunner

from trainingkit.bank import load_bank
from trainingkit.bank.model import DOMAINS
from trainingkit.cli import main
from trainingkit.course import Course


def test_bank_stats_prints_a_row_per_domain_and_a_total(project: Course, monkeypatch) -> None:
    """`trainingkit bank stats` prints CSV whose rows add up to the total row."""
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["bank", "stats"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["domain", "items", "single", "multiple", "reflection"]
    assert [row[0] for row in rows[1:]] == [*DOMAINS, "total"]
    body = [[int(x) for x in row[1:]] for row in rows[1:-1]]
    assert [sum(column) for column in zip(*body)] == [int(x) for x in rows[-1][1:]]
    assert all(row[0] == sum(row[1:]) for row in body)
    assert int(rows[-1][1]) == len(load_bank(project.bank_dir))
