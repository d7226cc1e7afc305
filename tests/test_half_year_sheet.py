"""The six-monthly sheet (server/reports.py) from the generated morning whose truth the test
keeps (tests/domain/test_reports_insured.py): each department × kind of care line, insured or
not, issued and served, and the total."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from server import reports as report_files
from server.domain.reports import build, local_range
from tests.domain.sim import VN
from tests.domain.test_reports_insured import generated_morning


def test_the_six_monthly_sheet_matches_the_morning() -> None:
    sim, issued, served = generated_morning()
    day = dt.date(2026, 11, 23)
    data = build(sim.records, *local_range(day, day, VN), sim.now + 60, sim.state.config)
    departments = [("d1", "Khám"), ("d2", "Nhi")]
    table = report_files.half_year_table(data, departments)
    names = {"d1": "Khám", "d2": "Nhi"}
    kinds = {"01": "01 Khám bệnh", "07": "07 Nhận thuốc theo hẹn"}
    expected = [
        [
            names[d],
            kinds[k],
            issued[(d, k, "bhyt")],
            served[(d, k, "bhyt")],
            issued[(d, k, "other")],
            served[(d, k, "other")],
        ]
        for d, k in sorted({(d, k) for d, k, _ in issued})
    ]
    total = [sum(issued[c] for c in issued if c[2] == "bhyt"), sum(served[c] for c in served if c[2] == "bhyt")]
    total += [sum(issued[c] for c in issued if c[2] == "other"), sum(served[c] for c in served if c[2] == "other")]
    assert table == [*expected, ["Tổng / Total", "", *total]]
    assert sum(total[::2]) == 160
    data["unit"], data["from"], data["to"] = "Trạm", "2026-07-01", "2026-12-31"
    data["half"] = {"year": 2026, "half": 2, "table": table}
    book = load_workbook(io.BytesIO(report_files.to_xlsx(data)))
    rows = [[c.value for c in row] for row in book["6 tháng"].iter_rows(min_row=3)]
    assert rows == [[v if v != "" else None for v in row] for row in table]  # an empty cell reads as None
