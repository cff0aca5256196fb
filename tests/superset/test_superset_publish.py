"""The publication client against recorded Superset responses: no Superset, no network.

The responses in ``tests/superset/recorded/`` were recorded from Superset 6.1 (see the README
there); a replaying transport mounted on the client's ``requests`` session answers each request
with the next recorded response for its method and path, and keeps what the client sent. The tests
assert those requests: login, CSRF token, one bundle import with the database password, the
certification PUTs, and what happens when Superset answers with an error.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse

from superset_assets import build, spec
from superset_assets.publish import ZIP_ROOT, PublishError, publish

FIXTURES = Path(__file__).parent / "recorded"
BASE_URL = "http://superset.test:8090"
DSN = "postgresql://cur_superset_ro:s3cr%40t@db.example:6543/cur_dwh"


class Replay(BaseAdapter):
    """A transport answering from recorded exchanges: for each request, the first unused recording
    with its method, path and (when recorded) rison query ``q``. ``sent`` keeps every request; an
    unrecorded one fails the test."""

    def __init__(self, exchanges: list[dict[str, Any]]) -> None:
        super().__init__()
        self.pending = list(exchanges)
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(request)
        url = urlsplit(request.url or "")
        query = parse_qs(url.query).get("q", [None])[0]
        for index, exchange in enumerate(self.pending):
            if (exchange["method"], exchange["path"]) == (request.method, url.path) and exchange.get(
                "query", query
            ) == query:
                self.pending.pop(index)
                break
        else:
            raise AssertionError(f"no recorded response for {request.method} {url.path} q={query}")
        if "json" in exchange:
            body = json.dumps(exchange["json"], ensure_ascii=False).encode()
        else:
            body = str(exchange.get("text", "")).encode()
        headers = {"Content-Type": "application/json", **exchange.get("headers", {})}
        # The raw message lets requests read Set-Cookie into the session's cookie jar, as on the wire.
        message = email.message_from_string(
            "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n", _class=http.client.HTTPMessage
        )
        raw = HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=exchange["status"],
            preload_content=False,
            original_response=_Original(message),  # type: ignore[arg-type]
        )
        return HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        pass


class _Original:
    """What requests reads of ``http.client.HTTPResponse``: the headers, for the cookies."""

    def __init__(self, msg: http.client.HTTPMessage) -> None:
        self.msg = msg

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _replaying(name: str) -> tuple[requests.Session, Replay]:
    recorded = json.loads((FIXTURES / name).read_text("utf-8"))
    replay = Replay(recorded["exchanges"])
    session = requests.Session()
    session.mount("http://", replay)
    return session, replay


@dataclass(frozen=True)
class Status:
    """A certification record as publish() reads it (``publish.CertificationLike``)."""

    mart: str
    suite: str
    is_certified: bool
    validated_at: datetime
    failed_expectations: tuple[str, ...]
    data_as_of: datetime | None


def _status(mart: str, ok: bool) -> Status:
    when = datetime(2026, 3, 31, 6, 30, tzinfo=UTC)
    failed = () if ok else ("expect_column_values_to_not_be_null(appeals_count)",)
    return Status(mart, f"marts.{mart}", ok, when, failed, when)


CERTIFICATION = {
    "kpi_appeals": _status("kpi_appeals", True),
    "kpi_authority_rating": _status("kpi_authority_rating", False),
}


def _form(request: requests.PreparedRequest) -> dict[str, bytes]:
    """The multipart form fields of a request: name -> content."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    message = email.message_from_bytes(head + body, policy=email.policy.HTTP)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = part.get_payload(decode=True)
    return fields


def _sent(replay: Replay) -> list[str]:
    return [f"{r.method} {urlsplit(r.url or '').path}" for r in replay.sent]


def test_publish_logs_in_imports_the_whole_bundle_once_and_syncs_certification() -> None:
    session, replay = _replaying("publish.json")

    summary = publish(DSN, BASE_URL, "admin", "admin-pw", CERTIFICATION, with_roles=False, session=session)

    sent = _sent(replay)
    assert sent[:3] == ["POST /api/v1/security/login", "GET /api/v1/security/csrf_token/",
                        "POST /api/v1/assets/import/"]  # fmt: skip
    assert not any("/database/import/" in s or "/dashboard/import/" in s for s in sent)
    login = json.loads(replay.sent[0].body or b"{}")
    assert login == {"username": "admin", "password": "admin-pw", "provider": "db", "refresh": True}

    token = json.loads((FIXTURES / "publish.json").read_text("utf-8"))["exchanges"][0]["json"]["access_token"]
    imported = replay.sent[2]
    assert imported.headers["Authorization"] == f"Bearer {token}"
    assert imported.headers["X-CSRFToken"]
    assert "session=" in imported.headers["Cookie"]  # the cookie the CSRF call set goes along

    form = _form(imported)
    assert json.loads(form["passwords"]) == {build.DATABASE_FILE: "s3cr@t"}
    assert form["overwrite"] == b"true"
    with zipfile.ZipFile(io.BytesIO(form["bundle"])) as archive:
        root = ZIP_ROOT
        meta = yaml.safe_load(archive.read(f"{root}/metadata.yaml"))
        database = yaml.safe_load(archive.read(f"{root}/{build.DATABASE_FILE}"))
        names = archive.namelist()
    assert meta["type"] == "assets"
    assert (
        database["sqlalchemy_uri"]
        == "postgresql+psycopg2://cur_superset_ro:XXXXXXXXXX@db.example:6543/cur_dwh"
    )
    assert sum(n.startswith(f"{root}/dashboards/") for n in names) == len(spec.DASHBOARDS)
    assert b"s3cr" not in form["bundle"]

    # The recorded Superset lost kpi_appeals' certification and still has a stale one on
    # kpi_authority_rating (whose latest validation failed): one PUT each, nothing else written.
    puts = {urlsplit(r.url or "").path: json.loads(json.loads(r.body or b"{}")["extra"])
            for r in replay.sent if r.method == "PUT"}  # fmt: skip
    ids = {item["table_name"]: item["id"] for item in _recorded_datasets()}
    assert set(puts) == {
        f"/api/v1/dataset/{ids['kpi_appeals']}",
        f"/api/v1/dataset/{ids['kpi_authority_rating']}",
    }
    appeals = puts[f"/api/v1/dataset/{ids['kpi_appeals']}"]
    assert appeals["certification"]["certified_by"] == "Great Expectations"
    assert "«marts.kpi_appeals»" in appeals["certification"]["details"]
    assert "certification" not in puts[f"/api/v1/dataset/{ids['kpi_authority_rating']}"]
    assert sorted(summary.datasets_changed) == ["kpi_appeals", "kpi_authority_rating"]
    assert summary.certified == ["kpi_appeals"] and "kpi_authority_rating" in summary.withdrawn
    assert summary.counts == {"database": 1, "dataset": 21, "chart": 96, "dashboard": 8}
    assert summary.dashboards["leadership_overview"] == f"{BASE_URL}/superset/dashboard/leadership_overview/"
    assert replay.pending == []


def _recorded_datasets() -> list[dict[str, Any]]:
    exchanges = json.loads((FIXTURES / "publish.json").read_text("utf-8"))["exchanges"]
    listing = next(e for e in exchanges if e["path"] == "/api/v1/dataset/" and e["method"] == "GET")
    return listing["json"]["result"]


def test_an_import_error_stops_the_publication_with_superset_s_message() -> None:
    session, replay = _replaying("import_error.json")

    with pytest.raises(PublishError) as error:
        publish(DSN, BASE_URL, "admin", "admin-pw", CERTIFICATION, with_roles=False, session=session)

    # Superset 6.1's assets import answers a refused bundle with an HTML error page and keeps the
    # reason in its log: the error says so instead of quoting the page.
    assert "POST /api/v1/assets/import/: HTTP 500" in str(error.value)
    assert "Internal server error" in str(error.value) and "<html" not in str(error.value)
    assert "webserver.log" in str(error.value)
    assert error.value.status == 500 and error.value.reason_in_log
    assert _sent(replay)[-1] == "POST /api/v1/assets/import/"  # nothing after the failed import
    assert not any(r.method == "PUT" for r in replay.sent)


def test_a_refused_login_is_an_error_and_nothing_is_imported() -> None:
    session, replay = _replaying("login_refused.json")

    with pytest.raises(PublishError, match=r"POST /api/v1/security/login: HTTP 401") as error:
        publish(DSN, BASE_URL, "admin", "wrong", CERTIFICATION, with_roles=False, session=session)

    assert "Not authorized" in str(error.value) and not error.value.reason_in_log

    assert _sent(replay) == ["POST /api/v1/security/login"]
