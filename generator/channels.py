"""What the written-appeal and participation-platform generators borrow from the ПОС sample: a bounded
set of generated ПОС appeals (applicant contacts, place, date, sector, public number), so that the same
person can write on paper about a problem they raised on ПОС, and a platform message forwarded to ПОС
can carry the number of a ПОС appeal that exists.

In: the ПОС JSON-lines files already written into the landing folder (CSV months are passed over).
Out: :class:`PosAppeal` items, at most ``limit``, picked by a seeded hash of the id (deterministic, flat
memory whatever the number of appeals).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.catalog import Catalog


@dataclass(frozen=True)
class PosAppeal:
    appeal_id: int
    pos_number: str
    email: str
    phone: str
    surname: str
    name: str
    patronymic: str
    address: str | None
    oktmo: str
    sector_code: str
    created: datetime  # local time, naive


def _picked(seed: int, appeal_id: int, share: int) -> bool:
    digest = hashlib.sha256(f"{seed}|pos-link|{appeal_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % share == 0


def pos_appeals(
    out_dir: Path, catalog: Catalog, seed: int, limit: int = 600, share: int = 8
) -> list[PosAppeal]:
    """About one ПОС appeal in ``share`` of the JSON-lines exports (its first state), at most ``limit``."""
    sectors = {s.subsubject_id: s.sector_code for s in catalog.pos_subjects}
    found: dict[int, PosAppeal] = {}
    for path in sorted((out_dir / "pos").glob("pos_appeals_*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                    appeal_id = int(rec["Id"])
                    created = datetime.fromisoformat(str(rec["CreatedAt"])).replace(tzinfo=None)
                    applicant = rec["Applicant"]
                except (ValueError, KeyError, TypeError):
                    continue  # a deliberately bad line of the ПОС sample
                if appeal_id in found or not _picked(seed, appeal_id, share) or not rec.get("PosId"):
                    continue
                found[appeal_id] = PosAppeal(
                    appeal_id,
                    str(rec["PosId"]),
                    str(applicant.get("Email") or ""),
                    str(applicant.get("Phone") or ""),
                    str(applicant.get("Surname") or ""),
                    str(applicant.get("Name") or ""),
                    str(applicant.get("Patronymic") or ""),
                    (rec.get("Location") or {}).get("Address"),
                    str((rec.get("OrganizationInfo") or {}).get("Oktmo") or ""),
                    sectors.get(rec.get("SubsubjectId"), "undefined"),
                    created,
                )
                if len(found) >= limit:
                    return list(found.values())
    return list(found.values())
