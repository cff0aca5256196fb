"""No secret in a log or in run metadata; secret files are 0600; ``.env.example`` names every secret.

The end-to-end test runs the product's daily job in Dagster (loading, dbt, Great Expectations, the
certification), each step connecting as its role, on a persistent Dagster instance of its own, then
looks for every password (and the pseudonymisation key) in everything the run left: Dagster's event
records and run record, the instance's files (SQLite storage, captured compute logs), dbt's logs and
artefacts, and the embedded server's log.
"""

from __future__ import annotations

import re
import secrets
import stat
import time
import uuid
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from click.testing import CliRunner
from dagster._serdes import serialize_value
from pydantic import SecretStr

from core.dsn import Dsn
from core.paths import DBT_DIR, PROJECT_ROOT
from core.roles import ROLES, role_password
from core.secrets import kept_secret
from core.settings import Settings, get_settings
from core.warehouse import EmbeddedWarehouse
from tests.conftest import create_database, drop_database


def _secrets_in_files(folder: Path, values: dict[str, str], since: float) -> dict[str, list[str]]:
    """For each file under ``folder`` changed since ``since``: the names of the values it holds."""
    found: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if not path.is_file() or path.stat().st_mtime < since:
            continue
        content = path.read_bytes()
        hits = [name for name, value in values.items() if value.encode() in content]
        if hits:
            found[str(path)] = hits
    return found


@pytest.mark.e2e
def test_a_dagster_run_as_the_roles_prints_no_secret(
    server_dsn: str,
    template_db: str,
    sample_landing: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dagster_project.resources import LandingResource, WarehouseResource
    from tests.pipeline import _test_defs

    monkeypatch.setenv("CUR_PII_KEY", f"pii-{secrets.token_urlsafe(24)}")
    for variable in ("PGOPTIONS", "CUR_DBT_PASSWORD"):  # the dbt step sets them in this process
        monkeypatch.delenv(variable, raising=False)
    started = time.time() - 1
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    dsn = create_database(server_dsn, name, template_db)
    (tmp_path / "dagster").mkdir()
    try:
        with dg.DagsterInstance.local_temp(str(tmp_path / "dagster")) as instance:
            result = _test_defs.resolve_job_def("daily_incremental").execute_in_process(
                instance=instance,
                resources={
                    "warehouse": WarehouseResource(dsn=dsn, roles=True),
                    "landing": LandingResource(path=str(sample_landing)),
                },
                raise_on_error=False,
            )
            events = [serialize_value(e) for e in instance.all_logs(result.run_id)]
            run = serialize_value(instance.get_run_by_id(result.run_id))
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        assert result.success, failed

        values = {f"password of {r.name}": role_password(k) for k, r in ROLES.items()}
        values["pseudonymisation key"] = get_settings().pii_key.get_secret_value()  # type: ignore[union-attr]
        admin_password = Dsn.parse(server_dsn).password
        if admin_password:
            values["administrator's password"] = admin_password
        assert all(len(v) >= 16 for v in values.values())  # real secrets, not found by chance

        # the run did connect as the roles
        with psycopg.connect(dsn) as conn:
            owners = dict(
                conn.execute(
                    "select n.nspname, min(c.relowner::regrole::text) from pg_class c"
                    " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'v', 'm')"
                    " and n.nspname in ('raw', 'staging', 'marts', 'quality') group by 1"
                ).fetchall()
            )
            certified = conn.execute("select count(*) from quality.certifications").fetchone()
        assert owners == {
            "raw": "cur_loader",
            "staging": "cur_dbt",
            "marts": "cur_dbt",
            "quality": "cur_quality",
        }
        assert certified and certified[0] > 0

        assert [n for n, v in values.items() if any(v in e for e in events)] == []
        assert [n for n, v in values.items() if v in run] == []
        assert _secrets_in_files(tmp_path / "dagster", values, started) == {}
        assert _secrets_in_files(DBT_DIR / "target", values, started) == {}
        assert _secrets_in_files(DBT_DIR / "logs", values, started) == {}
        if get_settings().warehouse_dsn is None:
            log = EmbeddedWarehouse(get_settings()).paths.log_file
            assert [n for n, v in values.items() if v in log.read_text(errors="replace")] == []
    finally:
        drop_database(server_dsn, name)


@pytest.mark.integration
def test_the_cli_prints_addresses_masked(server_dsn: str) -> None:
    if get_settings().warehouse_dsn is not None:
        pytest.skip("the CLI's warehouse is the embedded server here")
    from cli.main import main

    runner = CliRunner()
    outputs = [runner.invoke(main, ["warehouse", "roles"]), runner.invoke(main, ["warehouse", "dsn"])]
    outputs += [runner.invoke(main, ["warehouse", "dsn", "--role", key]) for key in ROLES]
    assert all(o.exit_code == 0 for o in outputs), [o.output for o in outputs]
    text = "\n".join(o.output for o in outputs)
    assert "cur_analyst:***@" in text
    passwords = [role_password(k) for k in ROLES] + [EmbeddedWarehouse(get_settings()).password()]
    assert [p for p in passwords if p in text] == []


@pytest.mark.unit
def test_secret_files_are_created_0600_and_tightened(tmp_path: Path) -> None:
    path = tmp_path / "state" / "roles" / "x.password"
    value = kept_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    assert kept_secret(path) == value
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.unit
def test_env_example_lists_every_secret_with_how_to_make_it() -> None:
    """Every secret setting (a SecretStr) is named in .env.example, with the command that makes one."""
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    names = []
    for field_name, field in Settings.model_fields.items():
        if SecretStr not in getattr(field.annotation, "__args__", (field.annotation,)):
            continue
        alias = field.validation_alias
        names.append(alias.choices[0] if alias is not None else f"CUR_{field_name.upper()}")  # type: ignore[union-attr]
    assert len(names) >= 8
    missing = [n for n in names if not re.search(rf"^#?\s*{n}=", example, re.MULTILINE)]
    assert missing == []
    assert "secrets.token_urlsafe" in example
