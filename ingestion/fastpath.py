"""The fast path of row building: plainly good rows go straight to COPY as text.

``RowBuilder`` converts every value to a Python object, checks it, and the loader encodes it back
to text for COPY: exact, and slow (about 2/3 of a ПОС load). Most values of real exports already
have a canonical shape that PostgreSQL's COPY reads exactly as the Python converters would
(``1000001``, ``53.065739``, ``2025-11-01T01:11:55+07:00``, text without surrounding spaces). For such
rows this module emits the COPY line directly, from a function generated once per reader and header
(one flat function, no per-value calls), checking what ``RowBuilder`` checks: required values present,
numbers in the raw column's range, text within the length limit, points in time in range and not in
the future, and the reader's "not before" pairs.

The fast path never decides that a row is bad: a row with any value of another shape (a date written
otherwise, a number as text with spaces, a blank required value, a time near a change of the zone's
UTC offset, …) returns ``None`` and goes through ``RowBuilder`` as before, which loads it or names the
field and the reason. Outcomes are therefore those of the Python path; only speed differs.

Times without an offset carry the offset of their zone, taken from a per-zone cache of days; a day
within a day of an offset change is left to the slow path (PostgreSQL and Python may read an
ambiguous or skipped local time differently).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ingestion import parsing
from ingestion.schemas import Table

# What str.strip() removes (str.isspace()); a text value starting or ending with one of them (after
# the apostrophe Excel uses to mark text) takes the slow path.
_SPACE = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace())
_SPECIAL = re.compile(r"[\\\t\n\r\x00]").search
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})
_INT = re.compile(r"-?[0-9]{1,18}").fullmatch
_DEC = re.compile(r"(-?)0*([0-9]*)(?:[.,][0-9]+)?").fullmatch
_DEC_SHAPE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?").fullmatch
_ISO_AWARE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}"
).fullmatch
_RU_LOCAL = re.compile(
    r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})(?: ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?"
).fullmatch
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})").fullmatch
_INT_LIMITS = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}
_NUMERIC_RE = re.compile(r"numeric\((\d+),\s*(\d+)\)")


class ZoneOffsets:
    """The UTC offset (``+07:00``) of a zone on a day, or None when the offset changes within a day of
    it. Cached per day."""

    def __init__(self, name: str) -> None:
        self.zone = ZoneInfo(name)
        self._days: dict[tuple[int, int, int], str | None] = {}
        self._by_text: dict[str, str | None] = {}
        self._latest: tuple[datetime, str] | None = None

    def on(self, y: int, m: int, d: int) -> str | None:
        key = (y, m, d)
        try:
            return self._days[key]
        except KeyError:
            pass
        noon = datetime(y, m, d, 12)
        offsets = {
            (noon + timedelta(hours=h)).replace(tzinfo=self.zone).utcoffset() for h in range(-36, 37, 6)
        }
        found: str | None = None
        if len(offsets) == 1:
            off = offsets.pop()
            assert off is not None
            minutes = int(off.total_seconds()) // 60
            sign = "+" if minutes >= 0 else "-"
            found = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        self._days[key] = found
        return found

    def by_day(self, day: str) -> str | None:
        """The offset on an ISO day ``YYYY-MM-DD`` (None: not such a day, a year outside 1990–2100,
        or an offset change within a day of it). Cached per day string."""
        try:
            return self._by_text[day]
        except KeyError:
            pass
        found: str | None = None
        if len(day) == 10 and day[4] == "-" and day[7] == "-":
            digits = day[:4] + day[5:7] + day[8:]
            if digits.isascii() and digits.isdigit() and 1990 <= int(day[:4]) <= 2100:
                try:
                    found = self.on(int(day[:4]), int(day[5:7]), int(day[8:]))
                except ValueError:  # no such day
                    found = None
        self._by_text[day] = found
        return found

    def latest_local(self, latest: datetime) -> str:
        """The latest allowed point in time as local ``YYYY-MM-DD HH:MM:SS`` of the zone."""
        if self._latest is None or self._latest[0] != latest:
            self._latest = (latest, latest.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S"))
        return self._latest[1]


@lru_cache(maxsize=32)
def zone_offsets(name: str) -> ZoneOffsets:
    return ZoneOffsets(name)


def _date(v: object, day_first: bool) -> date | None:
    t = type(v)
    if t is str:
        m = _ISO_DATE(v)  # type: ignore[arg-type]
        if m:
            y, mo, d = m.groups()
        else:
            m = _RU_LOCAL(v)  # type: ignore[arg-type]
            if not m or m.group(4):
                return None
            a, b, y = m.group(1), m.group(2), m.group(3)
            d, mo = (a, b) if day_first else (b, a)
        try:
            return date(int(y), int(mo), int(d))
        except ValueError:
            return None
    if t is date:
        return v  # type: ignore[return-value]
    if t is datetime:
        return v.date()  # type: ignore[attr-defined,no-any-return]
    return None


class Ctx:
    """What the generated functions read besides the row: limits and the zone caches."""

    def __init__(self, latest: datetime, max_chars: int, day_first: bool) -> None:
        self.latest = latest
        self.max_chars = max_chars
        self.day_first = day_first


def _ts_value(v: object, zone: ZoneOffsets, c: Ctx) -> tuple[str, object] | None:
    """COPY text of a timestamp value in a canonical shape and what orders it (an aware datetime, or
    for a local time its ``YYYY-MM-DD HH:MM:SS`` text: one zone per row, and no offset change near
    it), or None."""
    if type(v) is str:
        n = len(v)  # type: ignore[arg-type]
        if n == 25:
            if not _ISO_AWARE(v):  # type: ignore[arg-type]
                return None
            try:
                dt = datetime.fromisoformat(v)  # type: ignore[arg-type]
            except ValueError:
                return None
            if not 1990 <= dt.year <= 2100 or dt > c.latest:
                return None
            return v, dt  # type: ignore[return-value]
        if n in (10, 16, 19) and v[2] == "." and v[5] == ".":  # type: ignore[index]
            a, b = (v[0:2], v[3:5]) if c.day_first else (v[3:5], v[0:2])  # type: ignore[index]
            day = f"{v[6:10]}-{b}-{a}"  # type: ignore[index]
            if n == 10:
                clock = "00:00:00"
            elif v[10] != " ":  # type: ignore[index]
                return None
            else:
                clock = v[11:] if n == 19 else v[11:] + ":00"  # type: ignore[index]
        elif n in (16, 19) and v[10] in " T":  # type: ignore[index]
            day, clock = v[:10], (v[11:] if n == 19 else v[11:] + ":00")  # type: ignore[index]
        else:
            return None
    elif type(v) is datetime:
        dt = v  # type: ignore[assignment]
        if dt.tzinfo is not None or dt.microsecond:
            return None
        day, clock = (
            f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}",
            f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}",
        )
    else:
        return None
    off = zone.by_day(day)
    if off is None:
        return None
    hms = clock[:2] + clock[3:5] + clock[6:]
    if not (
        len(clock) == 8
        and clock[2] == ":"
        and clock[5] == ":"
        and hms.isascii()
        and hms.isdigit()
        and clock[:2] <= "23"
        and clock[3:5] <= "59"
        and clock[6:] <= "59"
    ):
        return None
    local = f"{day} {clock}"
    if local > zone.latest_local(c.latest):
        return None
    return local + off, local


def _text(v: object, c: Ctx) -> str | None:
    """COPY text of a text value ("\\N" for none), or None (slow path)."""
    if type(v) is not str:
        if v is None:
            return "\\N"
        if type(v) is float and not math.isfinite(v):  # type: ignore[arg-type]
            return None
        v = str(v)
    if not v:
        return "\\N"
    if v[0] == "'":  # Excel's text mark; the apostrophe alone is an empty cell
        v = v[1:]  # type: ignore[index]
        if not v:
            return "\\N"
    if v[0] in _SPACE or v[-1] in _SPACE or len(v) > c.max_chars:  # type: ignore[index]
        return None
    return v.translate(_ESCAPES) if _SPECIAL(v) else v  # type: ignore[arg-type,return-value]


def _key_text(v: object) -> str:
    """A text key as the reader's ``parsing.text`` gives it (for a value the fast path took)."""
    s = v if type(v) is str else str(v)
    return s[1:] if s.startswith("'") else s  # type: ignore[union-attr]


def _int(v: object) -> int | None:
    t = type(v)
    if t is int:
        return v  # type: ignore[return-value]
    if t is str:
        return int(v) if _INT(v) else None  # type: ignore[arg-type,call-overload]
    if t is float and v.is_integer():  # type: ignore[attr-defined]
        return int(v)  # type: ignore[call-overload]
    return None


def _dec(v: object, digits: int | None) -> str | None:
    """COPY text of a number; ``digits``: at most this many digits before the point."""
    t = type(v)
    if t is float:
        if not math.isfinite(v) or (digits is not None and abs(v) >= 10**digits):  # type: ignore[arg-type]
            return None
        return repr(v)
    if t is int:
        if digits is not None and abs(v) >= 10**digits:  # type: ignore[call-overload]
            return None
        return str(v)
    if t is str and _DEC_SHAPE(v):  # type: ignore[arg-type]
        if digits is not None:
            m = _DEC(v)  # type: ignore[arg-type]
            if m is None or len(m.group(2)) > digits:
                return None
        return v.replace(",", ".")  # type: ignore[attr-defined,no-any-return]
    return None


def _dur(v: object) -> str | None:
    t = type(v)
    if t is timedelta:
        seconds = v.total_seconds()  # type: ignore[attr-defined]
        if seconds < 0:
            return None
        return str(round(seconds))
    if t is float or t is int:
        seconds = float(v) * 86400  # type: ignore[arg-type]
        if not math.isfinite(seconds) or seconds < 0:
            return None
        return str(round(seconds))
    return None


def _dig(obj: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        if type(obj) is not dict:
            return None
        obj = obj.get(key)  # type: ignore[attr-defined]
    return obj


class JsonAccess:
    """Generated expressions of JSON fields' values (``row`` a dict); a nested object is looked up
    once per row (``prelude``)."""

    def __init__(self) -> None:
        self._parents: dict[str, str] = {}

    def __call__(self, fm: Any) -> str:
        first, *rest = fm.source.split(".")
        if not rest:
            return f"row.get({first!r})"
        if len(rest) > 1:
            return f"_dig(row, {tuple(fm.source.split('.'))!r})"
        var = self._parents.setdefault(first, f"p{len(self._parents)}")
        return f"({var}.get({rest[0]!r}) if {var} is not None else None)"

    def prelude(self) -> list[str]:
        out = []
        for key, var in self._parents.items():
            out.append(f"    {var} = row.get({key!r})")
            out.append(f"    {var} = {var} if type({var}) is dict else None")
        return out


def json_access() -> JsonAccess:
    return JsonAccess()


def cell_access(index: dict[str, int]) -> Callable[[Any], str]:
    """The generated expression of a tabular field's value (``row`` a list of cells)."""
    return lambda fm: f"row[{index[fm.source]}]"


_DEF = (
    "def build(row, fixed, extras, zone, c, clean=False, _NOT_FIRST=_NOT_FIRST, _SPACE=_SPACE,"
    " _SPECIAL=_SPECIAL, _ISO_AWARE=_ISO_AWARE, _fromiso=_fromiso, _text=_text, str=str, type=type,"
    " len=len):"
)


class FastRow:
    """A generated builder of one raw table's COPY line from a row of source values.

    ``build(get, fixed, extras, zone)`` returns ``(line, key)`` or None: ``get(i)`` is the i-th field's
    raw value (the fields as given), ``fixed`` the values of fixed columns (already COPY text),
    ``extras`` the JSON text of unknown columns or None, ``zone`` the :class:`ZoneOffsets` of the row.
    """

    def __init__(
        self,
        table: Table,
        fields: Sequence[Any],
        *,
        fixed: Sequence[str] = (),
        not_before: Sequence[tuple[str, str]] = (),
        access: Callable[[Any], str],
        available: set[str] | None = None,
    ) -> None:
        self.table = table
        by_column = {f.column: (i, f) for i, f in enumerate(fields)}
        lines = [
            _DEF,
            "    parts = []",
            "    add = parts.append",
            "    mx = c.max_chars",
        ]
        times: dict[str, str] = {}
        key_exprs: dict[str, str] = {}
        for col in table.columns:
            name = col.name
            if name == "extras":
                lines.append("    add('\\\\N' if extras is None else extras)")
                continue
            if name in fixed:
                lines.append(f"    add(fixed[{name!r}])")
                if name in table.key:
                    key_exprs[name] = f"fixed_raw[{name!r}]"
                continue
            found = by_column.get(name)
            if found is None or (available is not None and found[1].source not in available):
                if col.required:
                    lines = [_DEF, "    return None"]
                    break
                lines.append("    add('\\\\N')")
                continue
            _, fm = found
            req = col.required
            lines.append(f"    v = {access(fm)}")
            missing = "return None" if req else "add('\\\\N')"
            if fm.kind == "text":
                # the common case inline: a string with no space or apostrophe at its edges
                lines += [
                    "    if type(v) is str and v and v[0] not in _NOT_FIRST and v[-1] not in _SPACE"
                    " and len(v) <= mx and (clean or not _SPECIAL(v)):",
                    "        add(v)",
                    *([] if req else ["    elif v is None:", "        add('\\\\N')"]),
                    "    else:",
                    "        s = _text(v, c)",
                    "        if s is None: return None",
                ]
                if req:
                    lines.append("        if s == '\\\\N': return None")
                lines.append("        add(s)")
                if name in table.key:  # compared as the reader's text() gives them
                    key_exprs[name] = f"k_{name}"
                    lines.append("        v = None if s == '\\\\N' else _key_text(v)")
                    lines.append(f"    k_{name} = v")
                continue
            lines.append("    if v is None or v == '':")
            lines.append(f"        {missing}")
            lines.append("    else:")
            if fm.kind == "int":
                limit = _INT_LIMITS.get(col.pg_type, 2**63 - 1)
                lines += [
                    "        n = _int(v)",
                    f"        if n is None or not -{limit} <= n <= {limit}: return None",
                    "        add(str(n))",
                ]
                if name in table.key:
                    key_exprs[name] = f"k_{name}"
                    lines.append(f"        k_{name} = n")
                    lines.insert(2, f"    k_{name} = None")
            elif fm.kind == "dec":
                m = _NUMERIC_RE.fullmatch(col.pg_type)
                digits = int(m.group(1)) - int(m.group(2)) if m else None
                lines += [
                    f"        s = _dec(v, {digits})",
                    "        if s is None: return None",
                    "        add(s)",
                ]
            elif fm.kind == "ts":
                lines += [
                    "        if type(v) is str and len(v) == 25 and _ISO_AWARE(v):",
                    "            try:",
                    "                dt = _fromiso(v)",
                    "            except ValueError:",
                    "                return None",
                    "            if dt > c.latest or not 1990 <= dt.year <= 2100: return None",
                    "            add(v)",
                    "        else:",
                    "            r = _ts_value(v, zone, c)",
                    "            if r is None: return None",
                    "            add(r[0])",
                    "            dt = r[1]",
                    f"        t_{name} = dt",
                ]
                times[name] = f"t_{name}"
                lines.insert(2, f"    t_{name} = None")
            elif fm.kind == "date":
                lines += [
                    "        d = _date(v, c.day_first)",
                    "        if d is None or not 1990 <= d.year <= 2100: return None",
                    "        add(d.isoformat())",
                ]
            elif fm.kind == "dur":
                lines += [
                    "        s = _dur(v)",
                    "        if s is None: return None",
                    "        add(s)",
                ]
            else:  # pragma: no cover - every kind is listed above
                lines.append("        return None")
            if name in table.key and name not in key_exprs:
                lines.append("    return None  # a key of another kind: the slow path keeps it exact")
        else:
            for later, earlier in not_before:
                if later in times and earlier in times:
                    a, b = f"t_{later}", f"t_{earlier}"
                    lines.append(f"    if {a} is not None and {b} is not None:")
                    # an aware time and a local one are not compared here: the slow path does it
                    lines.append(f"        if type({a}) is not type({b}) or {a} < {b}: return None")
            key = ", ".join(key_exprs.get(k, "None") for k in table.key)
            lines.append(f"    return '\\t'.join(parts), ({key}{',' if len(table.key) == 1 else ''})")
        prelude = getattr(access, "prelude", None)
        if prelude is not None and len(lines) > 2:
            lines[2:2] = prelude()
        source = "\n".join(lines)
        if "fixed_raw" in source:
            source = source.replace(_DEF, _DEF + "\n    fixed_raw = fixed.get('__raw__', fixed)")
        namespace: dict[str, Any] = {
            "_text": _text,
            "_int": _int,
            "_dec": _dec,
            "_ts_value": _ts_value,
            "_date": _date,
            "_dur": _dur,
            "_dig": _dig,
            "_key_text": _key_text,
            "_NOT_FIRST": _SPACE | {"'"},
            "_SPACE": _SPACE,
            "_SPECIAL": _SPECIAL,
            "_ISO_AWARE": _ISO_AWARE,
            "_fromiso": datetime.fromisoformat,
        }
        exec(compile(source, f"<fast row {table.name}>", "exec"), namespace)
        self.source = source
        self._build: Callable[..., tuple[str, tuple[object, ...]] | None] = namespace["build"]

    def build(
        self,
        row: object,
        fixed: dict[str, object],
        extras: str | None,
        zone: ZoneOffsets,
        c: Ctx,
        clean: bool = False,
    ) -> tuple[str, tuple[object, ...]] | None:
        """``clean``: no text value of the row holds a backslash, tab, line end or NUL (the caller
        knows it from the raw line), so none needs escaping."""
        return self._build(row, fixed, extras, zone, c, clean)


def copy_text(value: object) -> str:
    """COPY text of a fixed value (as the loader's encoder writes it)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def fixed_values(fixed: dict[str, object] | None) -> dict[str, object]:
    """Fixed column values as COPY text, with the raw values under ``__raw__`` (for keys)."""
    fixed = fixed or {}
    out: dict[str, object] = {k: copy_text(v) for k, v in fixed.items()}
    out["__raw__"] = fixed
    return out


def tabular_row(
    table: Table,
    fields: tuple[Any, ...],
    fixed: tuple[str, ...],
    not_before: tuple[tuple[str, str], ...],
    index: dict[str, int],
) -> FastRow:
    """The builder of a tabular file's rows, shared by the files with the same header layout."""
    return _tabular_row(table, fields, fixed, not_before, tuple(sorted(index.items())))


@lru_cache(maxsize=64)
def _tabular_row(
    table: Table,
    fields: tuple[Any, ...],
    fixed: tuple[str, ...],
    not_before: tuple[tuple[str, str], ...],
    index: tuple[tuple[str, int], ...],
) -> FastRow:
    where = dict(index)
    return FastRow(
        table, fields, fixed=fixed, not_before=not_before, access=cell_access(where), available=set(where)
    )


def clean_cells(cells: Sequence[object]) -> bool:
    """True when the row's cells are all text with no backslash, tab, line end or NUL (no value of
    it needs escaping for COPY); False when unsure."""
    try:
        return not _SPECIAL("".join(cells))  # type: ignore[arg-type]
    except TypeError:  # cells that are not text (a workbook's numbers, dates, empty cells)
        return False


def ctx_for(latest: datetime, max_chars: int, order: parsing.DateOrder) -> Ctx | None:
    """The fast path's context, or None when the file's dates cannot be read fast (mixed orders)."""
    if order.mixed:
        return None
    return Ctx(latest, max_chars, order.order == parsing.DAY_FIRST)
