"""The APPI reporting flag shows as its own fact row, only when set."""

from __future__ import annotations

from alerts.render import facts
from tests.alerts.conftest import sample_incident


def test_ppc_reportable_adds_a_fact_row_only_when_true() -> None:
    assert "個情委報告対象" not in dict(facts(sample_incident()))
    assert dict(facts(sample_incident(ppc_reportable=True)))["個情委報告対象"] == "該当の可能性"
