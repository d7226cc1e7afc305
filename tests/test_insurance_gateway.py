"""The gateway client (server/insurance/bhxh.py) against a local server written from the
gateway's documented contract (tests/insurance_gateway.py): every result code read into the
patient's and staff's lines, the staff identity on each lookup, the token reused, renewed once,
both forms of login, a gateway down or slow, and the account never in a log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from server.domain.insurance import read
from server.insurance.account import Account, AccountError, parse
from server.insurance.bhxh import BhxhChecker, expiry

from .domain.test_insurance import CASES
from .insurance_gateway import PASSWORD, STAFF, USERNAME, Gateway, md5_upper

STAFF_ID, STAFF_NAME = next(iter(STAFF.items()))


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway().start()
    yield g
    g.stop()


def account(url: str, **more: object) -> Account:
    fields: dict[str, object] = {
        "url": url,
        "username": USERNAME,
        "password": PASSWORD,
        "staff_name": STAFF_NAME,
        "staff_id_number": STAFF_ID,
    }
    return Account(**(fields | more))  # type: ignore[arg-type]


CARD = {"maKetQua": "000", "gtTheTu": "01/01/2026", "gtTheDen": "31/12/2026", "maDKBD": "70001"}
NEW = {"maTheMoi": "GD4797912345678", "gtTheTuMoi": "01/01/2026", "gtTheDenMoi": "31/12/2026", "maDKBDMoi": "70001"}


async def test_each_result_code_gives_its_patient_and_staff_lines(gateway: Gateway) -> None:
    for i, code in enumerate(sorted(CASES)):
        fields = {**CARD, "maKetQua": code, **(NEW if code in ("003", "004") else {})}
        gateway.cards[f"0010990{i:05d}"] = fields
    checker = BhxhChecker(account(gateway.url))
    try:
        for i, code in enumerate(sorted(CASES)):
            answer = await checker.check(f"0010990{i:05d}", "Nguyễn Văn A", "02/01/1999")
            assert answer.code == code and not answer.error
            outcome, vi, en, insured, staff = CASES[code]
            lines = read(answer)
            assert (lines.outcome, lines.insured) == (outcome, insured), code
            assert vi in lines.patient_vi and en in lines.patient_en and staff in lines.staff_vi, code
        new = await checker.check("0010990" + f"{sorted(CASES).index('003'):05d}", "Nguyễn Văn A", "02/01/1999")
        assert (new.new_card, new.valid_to, new.place) == ("GD4797912345678", "31/12/2026", "70001")
        assert (await checker.check("GD4797900000000", "Nguyễn Văn B", "1980")).code == "050"
        assert checker.logins == 3  # one token for all, but 401 (account error) renews it once, and the next takes one
    finally:
        await checker.close()


async def test_each_lookup_carries_the_configured_staff_identity(gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    checker = BhxhChecker(account(gateway.url))
    try:
        for _ in range(3):
            assert (await checker.check("001099012345", "Nguyễn Văn A", "02/01/1999")).code == "000"
    finally:
        await checker.close()
    assert len(gateway.lookups) == 3
    assert all((b["hoTenCb"], b["cccdCb"]) == (STAFF_NAME, STAFF_ID) for b in gateway.lookups)
    assert gateway.lookups[0] | {"hoTenCb": "", "cccdCb": ""} == {
        "maThe": "001099012345",
        "hoTen": "Nguyễn Văn A",
        "ngaySinh": "02/01/1999",
        "hoTenCb": "",
        "cccdCb": "",
    }
    for wrong, code in (
        (account(gateway.url, staff_id_number="001090000009"), "054"),
        (account(gateway.url, staff_name="Người Khác"), "055"),
    ):
        other = BhxhChecker(wrong)
        try:
            assert (await other.check("001099012345", "Nguyễn Văn A", "02/01/1999")).code == code
        finally:
            await other.close()


async def test_an_expired_token_is_renewed_once(gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    checker = BhxhChecker(account(gateway.url))
    try:
        assert (await checker.check("001099012345", "A", "")).code == "000"
        gateway.expire()  # the session dropped early: the gateway answers 401
        assert (await checker.check("001099012345", "A", "")).code == "000"
        assert checker.logins == 2 and len(gateway.lookups) == 2
    finally:
        await checker.close()
    never = Gateway(token_seconds=-60).start()  # every token it gives has expired: 401 each time
    checker = BhxhChecker(account(never.url))
    try:
        answer = await checker.check("001099012345", "A", "")
        assert answer.code == "401" and checker.logins == 2  # renewed once, not more
        assert "xác thực tài khoản" in read(answer).staff_vi and read(answer).outcome == "bhyt_pending"
    finally:
        await checker.close()
        never.stop()


async def test_a_token_is_taken_again_before_its_expiry(gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    now = [time.time()]
    checker = BhxhChecker(account(gateway.url), clock=lambda: now[0])
    try:
        await checker.check("001099012345", "A", "")
        now[0] += 600  # the token says it ends in 600 s: taken again before the lookup, no 401
        await checker.check("001099012345", "A", "")
        assert checker.logins == 2 and len(gateway.lookups) == 2
    finally:
        await checker.close()


async def test_both_forms_of_login_and_a_wrong_password(gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    for form in ("json", "form"):
        checker = BhxhChecker(account(gateway.url, login_body=form))
        try:
            assert (await checker.check("001099012345", "A", "")).code == "000"
        finally:
            await checker.close()
    assert gateway.logins == ["application/json", "application/x-www-form-urlencoded"]
    checker = BhxhChecker(account(gateway.url, password="sai"))
    try:
        answer = await checker.check("001099012345", "A", "")
        assert (answer.code, answer.error) == ("", "login refused (401)")
        assert read(answer).outcome == "bhyt_pending"
    finally:
        await checker.close()


async def test_a_gateway_down_or_too_slow_is_an_answer_with_its_reason(gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    gateway.delay = 3.0
    slow = BhxhChecker(account(gateway.url, timeout=1.0))
    started = time.monotonic()
    try:
        assert (await slow.check("001099012345", "A", "")).error == "timeout"
        assert time.monotonic() - started < 2.5
    finally:
        await slow.close()
    gateway.stop()
    down = BhxhChecker(account(gateway.url))
    try:
        assert (await down.check("001099012345", "A", "")).error == "ConnectError"
    finally:
        await down.close()


async def test_the_account_never_reaches_a_log_line(gateway: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    gateway.cards["001099012345"] = CARD
    caplog.set_level(logging.DEBUG)
    # httpx's own level too: the HIS link quiets it (server/his), and this test wants every line
    caplog.set_level(logging.DEBUG, logger="httpx")
    checker = BhxhChecker(account(gateway.url))
    try:
        await checker.check("001099012345", "A", "")
        gateway.expire()
        await checker.check("001099012345", "A", "")
    finally:
        await checker.close()
    text = caplog.text + repr(checker.account)
    assert "KQNhanLichSuKCB2024" in caplog.text  # httpx did log the requests...
    assert PASSWORD not in text and md5_upper(PASSWORD) not in text and "token=" not in text  # ...not the secrets


def test_the_account_file() -> None:
    good = f"""[bhxh]
url = "https://egw.baohiemxahoi.gov.vn"
username = "{USERNAME}"
password = "{PASSWORD}"
staff_name = "{STAFF_NAME}"
staff_id_number = "{STAFF_ID}"
"""
    a = parse(good)
    assert a is not None and a.password_md5 == md5_upper(PASSWORD) and a.login_body == "json"
    assert parse("") is None
    for bad, why in (
        (good.replace(USERNAME, "70001"), "username"),
        (good.replace(STAFF_ID, "123"), "staff_id_number"),
        (good.replace("https://", "ftp://"), "url"),
        (good + "timeout = 0.1\n", "timeout"),
        (good + "secret = 1\n", "secret"),
        (good.replace(f'password = "{PASSWORD}"', 'password = ""'), "password"),
    ):
        with pytest.raises(AccountError, match=why):
            parse(bad)


def test_expiry_forms() -> None:
    assert expiry("2026-12-07T00:00:00", 0) == 1796601600.0
    assert expiry("2026-12-07T07:00:00+07:00", 0) == 1796601600.0
    assert expiry(300, 1000.0) == 1300.0 and expiry("300", 1000.0) == 1300.0
    assert expiry("soon", 1000.0) == 1600.0
