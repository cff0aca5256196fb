"""Probe of Superset 6.1's REST API: log in, create a database, import a dashboard bundle twice.

Standard library only, so it runs with any Python. Usage (Superset running, see ``launcher.py``)::

    python -m superset_assets.examples_probe.probe_import \\
        --url http://127.0.0.1:8088 --user admin --password "$(cat .state/superset/admin_password)" \\
        --db-uri postgresql://postgres@127.0.0.1:5432/superset_probe --db-password any

It zips ``bundle/`` (Superset's export layout, objects linked by uuid), creates a database connection
through ``POST /api/v1/database/``, imports the bundle through ``POST /api/v1/dashboard/import/``
with ``overwrite=true`` and the database password in ``passwords``, imports it again, and prints the
object counts after each step so that duplicates would show.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

BUNDLE_DIR = Path(__file__).resolve().parent / "bundle"


def zip_bundle(source: Path = BUNDLE_DIR, root: str = "cur_kpi_probe") -> bytes:
    """Zip a bundle folder under one top folder, as Superset's own export does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*.yaml")):
            archive.write(path, f"{root}/{path.relative_to(source).as_posix()}")
    return buffer.getvalue()


class Client:
    """A session against Superset's REST API: JWT bearer token plus the CSRF token and its cookie."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=120) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            payload = raw.decode("utf-8", "replace")[:500]
        return status, payload

    def json(self, method: str, path: str, data: object | None = None):
        body = None if data is None else json.dumps(data).encode()
        return self.call(method, path, body, "application/json" if body is not None else None)

    def login(self, username: str, password: str, csrf: bool = True) -> None:
        status, payload = self.json(
            "POST",
            "/api/v1/security/login",
            {"username": username, "password": password, "provider": "db", "refresh": True},
        )
        if status != 200:
            raise SystemExit(f"login failed: {status} {payload}")
        self.headers["Authorization"] = f"Bearer {payload['access_token']}"
        self.headers["Referer"] = self.base_url + "/"
        if csrf:
            status, payload = self.json("GET", "/api/v1/security/csrf_token/")
            if status != 200:
                raise SystemExit(f"csrf_token failed: {status} {payload}")
            self.headers["X-CSRFToken"] = payload["result"]

    def multipart(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
        boundary = "----cur" + secrets.token_hex(12)
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/zip\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.call("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def count(self, resource: str) -> int:
        query = urllib.parse.quote("(page_size:100)")
        status, payload = self.json("GET", f"/api/v1/{resource}/?q={query}")
        if status != 200:
            raise SystemExit(f"listing {resource} failed: {status} {payload}")
        return int(payload["count"])

    def counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in ("database", "dataset", "chart", "dashboard")}


def import_dashboard_bundle(client: Client, bundle: bytes, passwords: dict[str, str], overwrite: bool = True):
    return client.multipart(
        "/api/v1/dashboard/import/",
        {"overwrite": "true" if overwrite else "false", "passwords": json.dumps(passwords)},
        {"formData": ("bundle.zip", bundle)},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8088")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--db-uri", default="postgresql://postgres@127.0.0.1:5432/superset_probe")
    parser.add_argument("--db-password", default="unused-with-trust-auth")
    parser.add_argument("--write-zip", type=Path, help="also write the zipped bundle here")
    args = parser.parse_args(argv)

    client = Client(args.url)
    client.login(args.user, args.password)
    print("login + csrf token: ok")
    print("counts before:", client.counts())

    status, payload = client.json(
        "POST",
        "/api/v1/database/test_connection/",
        {"database_name": "cur_dwh_api", "sqlalchemy_uri": args.db_uri},
    )
    print("test_connection:", status, payload)
    status, payload = client.json(
        "POST",
        "/api/v1/database/",
        {"database_name": "cur_dwh_api", "sqlalchemy_uri": args.db_uri, "expose_in_sqllab": True},
    )
    print("create database:", status, payload if status != 201 else {"id": payload.get("id")})

    bundle = zip_bundle()
    if args.write_zip:
        args.write_zip.write_bytes(bundle)
    passwords = {"databases/cur_dwh_probe.yaml": args.db_password}
    for attempt in (1, 2):
        status, payload = import_dashboard_bundle(client, bundle, passwords)
        print(f"import #{attempt}:", status, payload)
        print(f"counts after import #{attempt}:", client.counts())
    return 0


if __name__ == "__main__":
    sys.exit(main())
