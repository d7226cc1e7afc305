"""The JSON API of the queue: login and logout, one's own password, staff accounts and their
passwords and devices (admin), health, the public state and one ticket's status (the phone page),
the device fleet and the audit log.

Passwords are set here only, where the policy is checked (``auth.check_new_password``); the
websocket refuses the commands that carry a password hash (``forbidden.password_http``)."""

from __future__ import annotations

import asyncio

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import auth
from .. import reports as report_files
from ..domain import commands as cmd
from ..domain.access import Actor
from ..domain.errors import DomainError
from ..domain.state import StaffAccount
from ..views import snapshot, ticket_status
from . import shapes as sh
from .describe import Doc, Query, describe
from .http import admin, answers_errors, bearer, command_of, error_response, json_body, services, submit


@answers_errors
async def login(request: Request) -> Response:
    s = services(request)
    data = await json_body(request, max_bytes=4096)
    username, password = str(data.get("username", ""))[:64], str(data.get("password", ""))[:1024]
    address = request.client.host if request.client else "?"
    account = s.hub.state.staff.get(username)
    await s.limiter.begin(address, username, account is not None, s.hub.clock())
    async with s.hashing:  # at most two scrypt hashes at once, whatever the flood
        ok = await asyncio.to_thread(auth.verify_login, account, password)
    if not ok:
        raise auth.bad_login()
    assert account is not None
    await s.limiter.succeeded(address, username)
    return await _signed_in(request, account)


async def _signed_in(request: Request, account: StaffAccount) -> JSONResponse:
    """A new session for the account, answered as the login is."""
    token, session = await services(request).sessions.create(account.username, services(request).hub.clock())
    return JSONResponse(
        {
            "token": token,
            "username": account.username,
            "full_name": account.full_name,
            "role": account.role,
            "counters": account.counters,
            "expires": session.expires,
            "must_change_password": account.must_change_password,
        }
    )


@answers_errors
async def logout(request: Request) -> Response:
    token = bearer(request)
    if token:
        s = services(request)
        await s.sessions.revoke(token)
        s.revocations.end_session(auth.token_hash(token))
    return JSONResponse({"ok": True})


@answers_errors
async def change_password(request: Request) -> Response:
    """The signed-in user's own password: the current one and the new one. The current one is
    checked under the login limits; then every session of the user ends (their other screens
    close) and the answer is a fresh session, as a login's, for the page that asked."""
    s = services(request)
    account = s.staff_for(bearer(request))
    if account is None:
        raise DomainError("unauthenticated")
    data = await json_body(request, max_bytes=4096)
    current, new = str(data.get("current_password", ""))[:1024], str(data.get("new_password", ""))
    auth.check_new_password(new, current)
    address = request.client.host if request.client else "?"
    await s.limiter.begin(address, account.username, True, s.hub.clock())
    async with s.hashing:
        ok = await asyncio.to_thread(auth.verify_login, account, current)
    if not ok:
        raise DomainError("bad_credentials.current", "current_password")
    await s.limiter.succeeded(address, account.username)
    async with s.hashing:
        password_hash = await asyncio.to_thread(auth.hash_password, new)
    actor = Actor(name=f"staff:{account.username}", role=account.role, counters=account.counters)
    generated = account.must_change_password
    await submit(s, cmd.SetStaffPassword(username=account.username, password_hash=password_hash), actor)
    if generated:  # the first run's generated password is worthless now: its file goes
        (s.settings.data_dir / "admin-password.txt").unlink(missing_ok=True)
    # the revocation of the old sessions reaches the disk before the new session does
    await asyncio.gather(*s.revocations.tasks)
    return await _signed_in(request, s.hub.state.staff[account.username])


@answers_errors
async def create_staff(request: Request) -> Response:
    actor = admin(request)
    data = await json_body(request)
    password = str(data.pop("password", ""))
    auth.check_new_password(password)
    data["password_hash"] = await asyncio.to_thread(auth.hash_password, password)
    command = command_of(data, "create_staff", cmd.CreateStaff)
    await submit(services(request), command, actor)
    return JSONResponse({"username": command.username}, status_code=201)


@answers_errors
async def reset_password(request: Request) -> Response:
    """An administrator sets another account's password (the policy checked); every session
    of that account ends and its screens close."""
    actor = admin(request)
    s = services(request)
    data = await json_body(request, max_bytes=4096)
    password = str(data.get("password", ""))
    auth.check_new_password(password)
    username = request.path_params["username"][:64]
    if username not in s.hub.state.staff:
        raise DomainError("unknown_staff", "username")
    async with s.hashing:
        password_hash = await asyncio.to_thread(auth.hash_password, password)
    await submit(s, cmd.SetStaffPassword(username=username, password_hash=password_hash), actor)
    return JSONResponse({"username": username})


@answers_errors
async def register_device(request: Request) -> Response:
    actor = admin(request)
    data = await json_body(request)
    token = auth.new_token()
    command = command_of({**data, "token_hash": auth.token_hash(token)}, "register_device", cmd.RegisterDevice)
    await submit(services(request), command, actor)
    return JSONResponse({"device": command.device, "token": token}, status_code=201)


async def health(request: Request) -> Response:
    hub = services(request).hub
    return JSONResponse(
        {
            "status": "ok",
            "seq": hub.state.seq,
            "connections": len(hub.fanout),
            "connections_direct": hub.fanout.direct(),
            "phones": len(hub.phones),
            "doors": len(services(request).doors),
            "dropped": hub.fanout.dropped_total,
            "commits": hub.commits,
            "replay_seconds": hub.replay_seconds,
            "calls_played": hub.fleet.reports.get("played", 0),
            "calls_play_failed": hub.fleet.reports.get("play_failed", 0),
            "calls_skipped": hub.fleet.reports.get("skipped", 0),
            "device_faults": [{"device": a.device, "part": a.part, "code": a.code} for a in hub.fleet.faults.values()],
        }
    )


async def public_state(request: Request) -> Response:
    hub = services(request).hub
    view = await hub.read(lambda state, now: {"seq": state.seq, "view": snapshot(state, "public", now)})
    return Response(msgspec.json.encode(view), media_type="application/json")


async def ticket(request: Request) -> Response:
    hub = services(request).hub
    label = request.path_params["label"]
    result = await hub.read(lambda state, now: ticket_status(state, label, now))
    if result is None:
        return error_response(DomainError("unknown_ticket.today"))
    return JSONResponse(result)


@answers_errors
async def fleet(request: Request) -> Response:
    """Every registered device: connected or not, last heartbeat, version, state, faults (admin)."""
    admin(request)
    hub = services(request).hub
    return JSONResponse({"devices": hub.fleet.view(hub.state, hub.clock()), "at": hub.clock()})


@answers_errors
async def audit(request: Request) -> Response:
    """The audit log: the latest events with who did them (admin); ``before`` pages back."""
    admin(request)
    try:
        limit = max(1, min(int(request.query_params.get("limit", "100")), 1000))
        before = int(request.query_params["before"]) if "before" in request.query_params else None
    except ValueError:
        raise DomainError("invalid_message.params", "limit") from None
    rows = await asyncio.to_thread(report_files.audit, services(request).eventlog, limit, before)
    return JSONResponse({"events": rows})


ROUTES = [
    describe(Route("/api/health", health), Doc(summary="The server's health and counters.", auth="none", ok=sh.Health)),
    describe(
        Route("/api/login", login, methods=["POST"]),
        Doc(
            summary="Sign in: a staff session.",
            auth="none",
            body=sh.Login,
            ok=sh.Session,
            errors=("bad_credentials", "too_many_attempts"),
        ),
    ),
    describe(
        Route("/api/logout", logout, methods=["POST"]),
        Doc(summary="End the session whose bearer token the request carries (if any).", auth="none", ok=sh.Ok),
    ),
    describe(
        Route("/api/password", change_password, methods=["POST"]),
        Doc(
            summary="Change one's own password; every session of the user ends, the answer is a new one.",
            auth="staff",
            body=sh.PasswordChange,
            ok=sh.Session,
            errors=("weak_password", "bad_credentials.current", "too_many_attempts", "storage_error"),
        ),
    ),
    describe(
        Route("/api/staff", create_staff, methods=["POST"]),
        Doc(
            summary="Create a staff account.",
            auth="admin",
            body=sh.NewStaff,
            ok=sh.StaffName,
            status=201,
            errors=(
                "weak_password",
                "invalid_message.data",
                "staff_exists",
                "invalid_username",
                "unknown_counter",
                "storage_error",
            ),
        ),
    ),
    describe(
        Route("/api/staff/{username}/password", reset_password, methods=["POST"]),
        Doc(
            summary="Set another account's password; its sessions end.",
            auth="admin",
            body=sh.PasswordReset,
            ok=sh.StaffName,
            errors=("weak_password", "unknown_staff", "storage_error"),
            params={"username": "the account"},
        ),
    ),
    describe(
        Route("/api/devices", register_device, methods=["POST"]),
        Doc(
            summary="Register a device (kiosk, TV, counter, rating screen, room door screen): its token, shown once.",
            auth="admin",
            body=sh.NewDevice,
            ok=sh.DeviceToken,
            status=201,
            errors=("invalid_message.data", "device_exists", "unknown_zone", "unknown_counter.rating", "storage_error"),
        ),
    ),
    describe(
        Route("/api/state", public_state),
        Doc(summary="The public snapshot of the queue (what a TV sees).", auth="none", ok=sh.PublicState),
    ),
    describe(
        Route("/api/tickets/{label}", ticket),
        Doc(
            summary="The public status of a ticket of today (the phone page).",
            auth="none",
            ok=sh.TicketStatus,
            errors=("unknown_ticket.today",),
            params={"label": "the ticket's number, e.g. A012"},
        ),
    ),
    describe(
        Route("/api/fleet", fleet), Doc(summary="Every registered device and its state.", auth="admin", ok=sh.Fleet)
    ),
    describe(
        Route("/api/audit", audit),
        Doc(
            summary="The audit log, newest first.",
            auth="admin",
            ok=sh.Audit,
            errors=("invalid_message.params",),
            query=(
                Query("limit", "how many events, 1 to 1000 (100)", "integer"),
                Query("before", "only events before this seq (the next page)", "integer"),
            ),
        ),
    ),
]
