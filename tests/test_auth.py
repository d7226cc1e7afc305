import pytest

from server import auth
from server.domain.errors import DomainError
from server.domain.state import StaffAccount
from server.settings import Settings


def test_password_hash_roundtrip_and_salt() -> None:
    h1, h2 = auth.hash_password("mật khẩu an toàn"), auth.hash_password("mật khẩu an toàn")
    assert h1 != h2 and h1.startswith("scrypt$16384$8$1$")
    assert auth.verify_password("mật khẩu an toàn", h1)
    assert not auth.verify_password("mat khau an toan", h1)
    assert not auth.verify_password("x", "md5$abc")
    assert not auth.verify_password("x", "garbage")


def test_login_checks_disabled_and_missing_accounts() -> None:
    account = StaffAccount(
        username="lan", full_name="Lan", role="counter", counters=[1], password_hash=auth.hash_password("secret-123")
    )
    assert auth.verify_login(account, "secret-123")
    assert not auth.verify_login(account, "wrong")
    assert not auth.verify_login(None, "secret-123")
    account.active = False
    assert not auth.verify_login(account, "secret-123")


def test_limiter_locks_a_user_then_the_address() -> None:
    lim = auth.LoginLimiter(per_user=3, per_address=5, window=60)
    for i in range(3):
        lim.check("10.0.0.1", "lan", 100 + i)
        lim.failed("10.0.0.1", "lan", 100 + i)
    with pytest.raises(DomainError) as err:
        lim.check("10.0.0.1", "lan", 110)
    assert err.value.code == "too_many_attempts" and err.value.field == "51"
    lim.check("10.0.0.1", "binh", 110)  # another user from the same place is still allowed
    lim.check("10.0.0.1", "lan", 161)  # the window has passed
    for i in range(5):
        lim.failed("10.0.0.2", f"u{i}", 170)
    with pytest.raises(DomainError):
        lim.check("10.0.0.2", "nobody-yet", 171)  # 5 failures from this address, whoever the user
    lim.check("10.0.0.3", "u0", 171)
    lim.succeeded("10.0.0.1", "lan")
    assert "10.0.0.1|lan" not in lim.failures


def test_weak_password_refused() -> None:
    with pytest.raises(DomainError) as err:
        auth.check_new_password("short")
    assert err.value.code == "weak_password"
    auth.check_new_password("long enough")


def test_settings_from_env() -> None:
    s = Settings.from_env(
        {"QUEUE_PORT": "9001", "QUEUE_SYNC": "normal", "QUEUE_ALLOWED_ORIGINS": "http://a, http://b,"}
    )
    assert (s.port, s.synchronous, s.allowed_origins) == (9001, "NORMAL", ("http://a", "http://b"))
    with pytest.raises(SystemExit):
        Settings.from_env({"QUEUE_SYNC": "OFF"})
