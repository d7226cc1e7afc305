"""A malformed HIS links file (``QUEUE_HIS``) or insurance account (``QUEUE_INSURANCE``) is refused at start the way a malformed
configuration is: exit code 2, the field at fault in Vietnamese and English, no traceback, and
never the secret itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from .server_harness import free_port
from .test_datadir import run_server

SECRET = "tiny-secret-9f3a"  # too short for a webhook key: refused, and never printed

CASES = [
    (
        f'[[link]]\nname = "his"\nform = "webhook"\nsite = "70001"\nurl = "http://127.0.0.1:9/h"\nsecret = "{SECRET}"\n',
        "khoá secret dài ít nhất 24 ký tự",
        "needs a secret of at least 24 characters",
    ),
    ('[[link]]\nname = "his"\nform = "fhir"\nsite = "70001"\n', "thiếu địa chỉ (url)", "his needs a url"),
    ('[[link]\nname = "his"\n', "sai cú pháp", "not valid"),
    ('[[link]]\nname = "his"\nform = "soap"\nsite = "70001"\n', "sai kiểu dữ liệu", "$.link[0].form"),
]


@pytest.mark.parametrize(("text", "vi", "en"), CASES)
def test_a_malformed_links_file_is_refused_at_start_in_both_languages(
    tmp_path: Path, text: str, vi: str, en: str
) -> None:
    links = tmp_path / "his.toml"
    links.write_text(text, encoding="utf-8")
    result = run_server(tmp_path / "data", free_port(), QUEUE_HIS=str(links))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "tệp kết nối HIS không hợp lệ" in result.stderr and "the HIS links file is not valid" in result.stderr
    assert vi in result.stderr and en in result.stderr, result.stderr
    assert str(links) in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_a_links_file_named_but_missing_is_refused_at_start_in_both_languages(tmp_path: Path) -> None:
    missing = tmp_path / "etc" / "his.toml"
    result = run_server(tmp_path / "data", free_port(), QUEUE_HIS=str(missing))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"{missing}: tệp kết nối HIS không hợp lệ: không tìm thấy tệp" in result.stderr, result.stderr
    assert f"{missing}: the HIS links file is not valid: the file does not exist" in result.stderr


def test_a_malformed_insurance_account_is_refused_at_start_in_both_languages(tmp_path: Path) -> None:
    password = "a-password-never-printed"
    account = tmp_path / "insurance.toml"
    account.write_text(
        f'[bhxh]\nurl = "ftp://egw.local"\nusername = "70001_BV"\npassword = "{password}"\n'
        'staff_name = "Nguyễn Văn A"\nstaff_id_number = "001090000000"\n',
        encoding="utf-8",
    )
    result = run_server(tmp_path / "data", free_port(), QUEUE_INSURANCE=str(account))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "tệp tài khoản cổng BHXH không hợp lệ: url phải bắt đầu bằng http(s)://" in result.stderr
    assert "the insurance account file is not valid: url must be http(s)://" in result.stderr
    assert password not in result.stderr + result.stdout
