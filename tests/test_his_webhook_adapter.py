"""The webhook adapter against a real HTTP receiver: a signature the receiver accepts, the
event id header, and how each answer is taken (2xx delivered; 408, 429, 5xx and no answer
retried; any other 4xx refused for good). The adapter factory: a form whose module is missing
keeps its messages pending instead of losing them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.his import Refused, Retryable, adapters
from server.his.links import Link
from server.his.webhook import WebhookAdapter, signature

from .his_receiver import Receiver
from .server_harness import free_port
from .test_his_deliverer import message

SECRET = "a-webhook-secret-for-the-tests-only"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def link(url: str, secret: str = SECRET) -> Link:
    return Link(name="web", form="webhook", site="70001", url=url, secret=secret, timeout=2.0)


async def test_answers_are_delivered_retried_or_refused(receiver: Receiver) -> None:
    adapter = WebhookAdapter(link(receiver.url))
    assert await adapter.send(message(1, 1)) == "HTTP 200"
    assert [e["id"] for e in receiver.taken] == [message(1, 1).id] and receiver.bad_signatures == 0
    assert await adapter.send(message(1, 1)) == "HTTP 200"
    assert len(receiver.taken) == 1 and receiver.posts == 2, "the receiver dedupes a repeat by its event id"
    for code in (408, 429, 500, 503):
        receiver.answer = code
        with pytest.raises(Retryable, match=f"HTTP {code}"):
            await adapter.send(message(2, 2))
    for code in (400, 401, 404, 422):
        receiver.answer = code
        with pytest.raises(Refused, match=f"HTTP {code}"):
            await adapter.send(message(2, 2))
    await adapter.close()


async def test_a_wrong_secret_is_refused_by_the_receiver(receiver: Receiver) -> None:
    adapter = WebhookAdapter(link(receiver.url, "another-secret-of-24-chars!!"))
    with pytest.raises(Refused, match="HTTP 401"):
        await adapter.send(message(1, 1))
    assert receiver.bad_signatures == 1 and receiver.taken == []
    await adapter.close()


async def test_a_receiver_that_is_not_there_is_retried() -> None:
    adapter = WebhookAdapter(link(f"http://127.0.0.1:{free_port()}/x"))
    with pytest.raises(Retryable, match="ConnectError"):
        await adapter.send(message(1, 1))
    await adapter.close()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # computed with openssl: printf '1800000000.{}' | openssl dgst -sha256 -hmac key
    expected = "v1=7321475872b03ff21bdc2dfd86ea2d99ec29c479fbe4a77aa6acf4509505493f"
    assert signature("key", "1800000000", b"{}") == expected


async def test_the_adapter_of_each_form(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(adapters.adapter_for(link("http://x")), WebhookAdapter)
    with pytest.raises(ValueError):
        adapters.adapter_for(Link(name="in", form="none", site="70001"))
    monkeypatch.setitem(adapters.MODULES, "fhir", ("no_such_module", "FhirAdapter"))
    missing = adapters.adapter_for(Link(name="f", form="fhir", site="70001", url="http://x"))
    with pytest.raises(Retryable, match="no fhir adapter"):
        await missing.send(message(1, 1))
    await missing.close()
