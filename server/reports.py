"""Reports from the event log, and their CSV and XLSX forms (the figures: domain/reports.py).

The log is read in a worker thread (``EventLog.scan``), so a six-month report does not hold up
the queue."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec

from .domain import reports
from .domain.config import CARE_KINDS, Config
from .eventlog import EventLog

COLUMNS = [
    ("issued", "Số phát / Issued"),
    ("served", "Đã phục vụ / Served"),
    ("missed", "Vắng mặt / Missed"),
    ("transferred", "Chuyển / Transferred"),
    ("cancelled", "Hủy / Cancelled"),
    ("wait.n", "Số lượt chờ / Waits"),
    ("wait.mean", "Chờ TB (phút) / Wait mean (min)"),
    ("wait.median", "Chờ trung vị / Wait median"),
    ("wait.p90", "Chờ P90 / Wait p90"),
    ("service.mean", "Phục vụ TB (phút) / Service mean (min)"),
    ("service.median", "Phục vụ trung vị / Service median"),
    ("service.p90", "Phục vụ P90 / Service p90"),
    ("priority_share", "Tỷ lệ ưu tiên / Priority share"),
    ("idle_minutes", "Quầy rảnh khi có người chờ (phút) / Idle while waiting (min)"),
    ("rating.n", "Số đánh giá / Ratings"),
    ("rating.mean", "Điểm hài lòng TB / Mean rating"),
    ("booked.honoured", "Đến đúng hẹn / Booked, in time"),
    ("booked.late", "Đến trễ hẹn / Booked, late"),
    ("booked.no_show", "Không đến theo hẹn / Booked, no-show"),
    ("estimate_error.n", "Số ước tính đối chiếu / Estimates compared"),
    ("estimate_error.mae", "Sai lệch ước tính TB (phút) / Estimate error, mean (min)"),
    ("estimate_error.p90", "Sai lệch ước tính P90 (phút) / Estimate error p90 (min)"),
    ("estimate_error.bias", "Ước tính lệch (phút, âm: sớm hơn thực tế) / Estimate bias (min, negative: too early)"),
    ("estimate_error.within_5", "Tỷ lệ lệch ≤ 5 phút / Share within 5 min"),
    ("estimate_error.within_10", "Tỷ lệ lệch ≤ 10 phút / Share within 10 min"),
]
GROUP_TITLES = {
    "total": "Tổng / Total",
    "site": "Theo cơ sở / By facility",
    "day": "Theo ngày / By day",
    "month": "Theo tháng / By month",
    "hour": "Theo giờ lấy số / By hour of issue",
    "service": "Theo dịch vụ / By service",
    "department": "Theo khoa / By department",
    "counter": "Theo quầy / By counter",
    "staff": "Theo nhân viên / By staff",
    "source": "Theo cách nhận diện / By identity source",
    "insurance": "BHYT / Health insurance",
    "department_insurance": "Khoa × BHYT / Department × insurance",
    "care_insurance": "Khoa × loại KCB × BHYT / Department × kind of care × insurance",
}


def build_report(log: EventLog, first: dt.date, last: dt.date, config: Config, now: float) -> dict[str, Any]:
    """The report of the local days ``first``..``last`` (blocking: run it in a thread)."""
    start, end = reports.local_range(first, last, config.tzinfo())
    result = reports.build(log.scan(end), start, end, now, config)
    return {"from": first.isoformat(), "to": last.isoformat(), "unit": config.unit.name, **result}


def _value(row: dict[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _rows(report: dict[str, Any], groups: Sequence[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "total", "", report["total"]
    for group in groups:
        for row in report[f"by_{group}"]:
            yield group, str(row["key"]), row


def _names(row: dict[str, Any]) -> tuple[str, str]:
    name = row.get("name") or {}
    return name.get("vi", ""), name.get("en", "")


def to_csv(report: dict[str, Any], groups: Sequence[str] = reports.GROUPS) -> str:
    """One flat table: group, key, its names in Vietnamese and English, then the figures (UTF-8
    with BOM, so Excel reads the accents)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["group", "key", "name_vi", "name_en", *(c for c, _ in COLUMNS)])
    for group, key, row in _rows(report, groups):
        values = ("" if (v := _value(row, c)) is None else v for c, _ in COLUMNS)
        writer.writerow([group, key, *_names(row), *values])
    return out.getvalue()


def to_xlsx(report: dict[str, Any], groups: Sequence[str] = reports.GROUPS, column: str = "Khoa / Department") -> bytes:
    """A workbook: a sheet per group, bilingual headers, numbers as numbers (``groups``: a
    province's report has its own; ``column``: the six-monthly sheet's first column)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = True
    for group in ("total", *groups):
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = group
        sheet.append([f"{report['unit']} — {GROUP_TITLES[group]} — {report['from']} → {report['to']}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(["Mã / Code", "Tên / Name", "Name (English)", *(title for _, title in COLUMNS)])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        rows = [("", report["total"])] if group == "total" else [(r["key"], r) for r in report[f"by_{group}"]]
        for key, row in rows:
            sheet.append([key, *_names(row), *(_value(row, c) for c, _ in COLUMNS)])
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["C"].width = 30
    if report.get("half"):
        _half_year_sheet(book, report, column)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def half_year_table(report: dict[str, Any], departments: list[tuple[str, str]]) -> list[list[Any]]:
    """The six-monthly summary in the health department's shape (QĐ 2733 App. 01 Art. 8): per
    department and kind of care (MA_LOAI_KCB), visits with and without health insurance (issued
    and served), then the total line. A department without visits has one line of zeros."""
    cells = {r["key"]: r for r in report["by_care_insurance"]}
    rows: list[list[Any]] = []
    for code, name in [*departments, ("", "Khác / Other")]:
        kinds = sorted({k.split("/")[1] for k in cells if k.split("/")[0] == code})
        if not kinds and code == "":
            continue
        for kind in kinds or [""]:
            b, o = cells.get(f"{code}/{kind}/bhyt", {}), cells.get(f"{code}/{kind}/other", {})
            care = f"{kind} {CARE_KINDS[kind][0]}" if kind in CARE_KINDS else kind
            rows.append([name, care, b.get("issued", 0), b.get("served", 0), o.get("issued", 0), o.get("served", 0)])
    rows.append(["Tổng / Total", "", *(sum(r[i] for r in rows) for i in range(2, 6))])
    return rows


def _half_year_sheet(book: Any, report: dict[str, Any], column: str) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet("6 tháng", 0)
    sheet.append([f"{report['unit']} — Báo cáo 6 tháng / Six-monthly report — {report['from']} → {report['to']}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(
        [
            column,
            "Loại KCB / Kind of care",
            "Lượt BHYT đã phát / BHYT issued",
            "Lượt BHYT đã khám / BHYT served",
            "Lượt không BHYT đã phát / Other issued",
            "Lượt không BHYT đã khám / Other served",
        ]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report["half"]["table"]:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 30


def audit(log: EventLog, limit: int, before: int | None) -> list[dict[str, Any]]:
    """The latest events, newest first: who did what and when (the audit log). Password and
    token hashes are left out; ticket identities too (an audit is not a patient list)."""
    out = []
    for r in log.latest(limit, before):
        fields = msgspec.to_builtins(r.event)
        for secret in ("password_hash", "token_hash", "identity", "config"):
            if secret in fields:
                fields[secret] = "…" if fields[secret] else fields[secret]
        out.append({"seq": r.seq, "at": r.at, "actor": r.actor, "event": fields})
    return out
