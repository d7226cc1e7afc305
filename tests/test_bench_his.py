"""The pure parts of the HIS benchmark (bench/his_table.py): its percentiles, ratios and tables.
Nothing here is timed."""

from __future__ import annotations

import math
from typing import Any

from bench.his_table import ACK_HEADERS, DELIVERY_HEADERS, ack_rows, delivery_rows, meets, percentile, table


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 1..100, unsorted
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0], 99) == 2.0
    assert percentile([7.0], 1) == 7.0
    assert math.isnan(percentile([], 50))


def test_the_target_is_met_only_when_both_ratios_are_within_it() -> None:
    assert meets(1.1, 1.1)
    assert not meets(1.11, 1.0)
    assert not meets(1.0, 1.2)


def test_ack_rows_compare_each_mode_with_the_link_off() -> None:
    acks = {
        "off": [0.002] * 98 + [0.010] * 2,
        "on": [0.003] * 98 + [0.011] * 2,  # median 1.5x: not met
        "down": [0.002] * 98 + [0.010] * 2,
    }
    extra: dict[str, dict[str, Any]] = {
        "off": {"cpu": 10.0, "slow": 1, "commits": 300, "p99s": [0.0081, 0.012]},
        "on": {"cpu": 20.0, "slow": 2, "commits": 301, "lag": [0.05, 0.2], "held": 0},
        "down": {"cpu": 9.0, "slow": 0, "commits": 299, "held": 400},
    }
    off, on, down = ack_rows(acks, extra)
    assert off == [
        "off (baseline)",
        "100",
        "2.0",
        "10.0",
        "1.00x",
        "1.00x",
        "baseline",
        "10",
        "8.1, 12.0",
        "0",
        "1 / 300",
        "-",
        "-",
    ]
    assert on == [
        "on, FHIR peer up",
        "100",
        "3.0",
        "11.0",
        "1.50x",
        "1.10x",
        "NOT met",
        "20",
        "",
        "2",
        "2 / 301",
        "50 / 200",
        "0",
    ]
    assert down == [
        "on, FHIR peer down",
        "100",
        "2.0",
        "10.0",
        "1.00x",
        "1.00x",
        "met",
        "9",
        "",
        "0",
        "0 / 299",
        "-",
        "400",
    ]
    assert len(on) == len(ACK_HEADERS)


def test_delivery_rows_give_the_rate_over_the_window_and_the_lags() -> None:
    result = {
        "link": "fhir",
        "tickets": 2,
        "messages": 8,
        "delivered": 8,
        "seconds": 0.5,
        "lag": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        "tries": 9,
        "dead": 0,
        "server_cpu": 0.5,
        "peer_cpu": None,
    }
    [row] = delivery_rows([result])
    assert row == ["fhir", "2", "8/8", "0.5", "16", "400", "800", "9", "0", "50", "-"]
    assert len(row) == len(DELIVERY_HEADERS)


def test_table_is_markdown() -> None:
    assert table(["a", "b"], [["1", "2"], ["3", "4"]]) == "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
