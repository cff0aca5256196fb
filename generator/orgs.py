"""Which body handles an appeal or incident: the sector's ministry (ОИВ), the municipality's
administration (ОМСУ) or a resource-supplying company (РСО). In: a sector code and an OKTMO.
Out: an :class:`Organisation` of the catalog.
"""

from __future__ import annotations

import random

from generator.catalog import Catalog, Organisation

# sector -> (share ОИВ, share ОМСУ, share РСО)
KIND_SHARES = {
    "zhkh": (0.20, 0.45, 0.35),
    "tko": (0.20, 0.30, 0.50),
    "energy": (0.30, 0.20, 0.50),
    "roads": (0.40, 0.60, 0.0),
    "transport": (0.50, 0.50, 0.0),
    "education": (0.65, 0.35, 0.0),
    "health": (0.80, 0.20, 0.0),
    "social": (0.65, 0.35, 0.0),
    "construction": (0.50, 0.50, 0.0),
    "undefined": (0.0, 1.0, 0.0),
}


class OrgChooser:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._oiv: dict[str, list[Organisation]] = {}
        self._rso: dict[str, list[Organisation]] = {}
        for s in catalog.sectors:
            oiv = [o for o in catalog.organisations if o.kind == "ОИВ" and o.sector_code == s.code]
            if s.responsible_org_code and all(o.code != s.responsible_org_code for o in oiv):
                oiv.insert(0, catalog.org(s.responsible_org_code))
            self._oiv[s.code] = oiv
            self._rso[s.code] = [
                o for o in catalog.organisations if o.kind == "РСО" and o.sector_code == s.code
            ]
        self._omsu = {o.oktmo: o for o in catalog.organisations if o.kind == "ОМСУ"}

    def ministry(self, sector: str) -> Organisation | None:
        found = self._oiv.get(sector) or []
        return found[0] if found else None

    def choose(self, rng: random.Random, sector: str, oktmo: str) -> Organisation:
        oiv_share, omsu_share, _ = KIND_SHARES.get(sector, (0.0, 1.0, 0.0))
        r = rng.random()
        oiv, rso = self._oiv.get(sector) or [], self._rso.get(sector) or []
        if r < oiv_share and oiv:
            return oiv[rng.randrange(len(oiv))]
        if r >= oiv_share + omsu_share and rso:
            return rso[rng.randrange(len(rso))]
        return self._omsu[oktmo]
