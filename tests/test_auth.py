import pytest

from server import auth
from server.domain.errors import DomainError
from server.domain.state import StaffAccount
from server.login_limits import LoginLimiter
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


def test_attempts_are_counted_before_the_hash() -> None:
    """Parallel guesses all start before any ends: the sixth is refused though none has failed yet."""
    lim = LoginLimiter(per_user=5, per_address=20)
    for _ in range(5):
        lim.begin("10.0.0.1", "lan", True, 100)
    with pytest.raises(DomainError) as err:
        lim.begin("10.0.0.1", "lan", True, 100)
    assert err.value.code == "too_many_attempts" and err.value.field == "3"  # 2 s after the last, rounded up
    lim.begin("10.0.0.1", "binh", True, 100)  # another user from the same place is still allowed
    lim.begin("10.0.0.2", "lan", True, 100)  # and the same user from another place


def test_past_the_limit_the_wait_grows_but_never_locks_for_long() -> None:
    lim = LoginLimiter(per_user=2, per_address=100, max_delay=60)
    t = 0.0
    for _ in range(2):
        lim.begin("a", "lan", True, t)
    waits = []
    for _ in range(8):  # each further try is allowed only after a wait that doubles, up to 60 s
        with pytest.raises(DomainError) as err:
            lim.begin("a", "lan", True, t)
        waits.append(int(err.value.field))
        t += int(err.value.field)
        lim.begin("a", "lan", True, t)
    assert waits == [3, 5, 9, 17, 33, 61, 61, 61]
    lim.succeeded("a", "lan")  # the real user, once in, starts afresh
    assert "a|lan" not in lim.failures
    lim.begin("a", "lan", True, t)
    lim.begin("a", "lan", True, t + 901)  # failures are forgotten after the window


def test_a_success_takes_its_attempt_back_from_the_address() -> None:
    lim = LoginLimiter(per_user=5, per_address=3)
    for i in range(10):  # ten good logins of ten users from one reception PC
        lim.begin("pc", f"u{i}", True, 100)
        lim.succeeded("pc", f"u{i}")
    lim.begin("pc", "u10", True, 100)


def test_names_that_are_not_accounts_share_a_key_and_memory_is_bounded() -> None:
    lim = LoginLimiter(per_user=3, per_address=1000, max_keys=50)
    for i in range(3):
        lim.begin("10.0.0.9", "x" * 60 + str(i), False, 100)
    with pytest.raises(DomainError):
        lim.begin("10.0.0.9", "another-unknown", False, 100)
    lim.begin("10.0.0.9", "lan", True, 100)  # a real account from there is still allowed
    for i in range(1000):
        lim.begin(f"10.1.{i // 250}.{i % 250}", "nobody", False, 100)
    assert len(lim.failures) == 50


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
