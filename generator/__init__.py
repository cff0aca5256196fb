"""A deterministic, seedable generator of realistic source files for the ЦУР warehouse.

:func:`generate` writes, into a landing folder, files of every source family exactly as
``docs/sources.md`` describes them (``pos/``, ``im/``, ``surveys/``, ``delo/``, ``indicators/``,
``written/``, ``platform/``, ``pages/``) and
``_manifest.json`` with every file's row count and number of deliberately bad rows, and
``_personal_data.json`` with the personal values planted in the free texts (generator/personal.py). The same
arguments give byte-identical files; memory stays flat however many appeals are asked for.
Reference data (municipalities, sectors, organisations, categories, topics, the production
calendar) comes from the dbt seeds in ``dbt/seeds``; organisations' ИНН/КПП/ОГРН there are synthetic.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.catalog import load_catalog
from generator.common import Progress, months_of
from generator.manifest import FileEntry, Manifest

__all__ = ["FileEntry", "Manifest", "generate"]


def generate(
    out_dir: Path,
    *,
    appeals: int = 5000,
    seed: int = 42,
    start: date = date(2025, 11, 1),
    months: int = 12,
    bad_rate: float = 0.005,
    progress: Progress | None = None,
) -> Manifest:
    """Write a full sample into ``out_dir``; return (and write) its manifest.

    ``appeals`` ПОС appeals over ``months`` calendar months from the month of ``start``; about
    0.4 × ``appeals`` Инцидент Менеджмент incidents; max(150, ``appeals``/40) «Дело» поручения in four
    successive exports; indicator submissions of eight ministries with resubmissions; 0.12 × ``appeals``
    written 59-ФЗ appeals and 0.15 × ``appeals`` participation-platform items (some of both linked to
    ПОС appeals of the sample: the same person, a forwarded message); a sociological poll
    every third month (160 weighted respondents); the register of the bodies' official pages and their
    weekly activity over the last three months. About
    ``bad_rate`` of rows (at least one in every file of 50 rows or more) are deliberately bad.
    """
    from generator.channels import pos_appeals
    from generator.delo import generate_delo
    from generator.im import generate_im
    from generator.indicators import generate_indicators
    from generator.pages import generate_pages
    from generator.personal import Planter
    from generator.platform import generate_platform
    from generator.polls import generate_polls
    from generator.pos import generate_pos
    from generator.surveys import SurveyWriter
    from generator.written import generate_written

    if appeals < 1 or months < 1:
        raise ValueError("appeals and months must be positive")
    if not 0 <= bad_rate <= 0.5:
        raise ValueError("bad_rate must be between 0 and 0.5")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog()
    period = months_of(start, months)
    manifest = Manifest(seed, appeals, period[0].start.date().isoformat(), months, bad_rate)
    planter = Planter(seed)
    with SurveyWriter(out_dir, period, seed, bad_rate, manifest, planter) as survey:
        generate_pos(out_dir, catalog, period, appeals, seed, bad_rate, manifest, progress, survey, planter)
        incidents = round(appeals * 0.4)
        generate_im(out_dir, catalog, period, incidents, seed, bad_rate, manifest, progress, survey, planter)
    generate_delo(
        out_dir, catalog, period, max(150, appeals // 40), seed, bad_rate, manifest, progress, planter
    )
    generate_indicators(out_dir, catalog, period, seed, bad_rate, manifest, progress, planter)
    links = pos_appeals(out_dir, catalog, seed)
    generate_written(
        out_dir, catalog, period, round(appeals * 0.12), seed, bad_rate, manifest, progress, planter, links
    )
    generate_platform(
        out_dir, catalog, period, round(appeals * 0.15), seed, bad_rate, manifest, progress, planter, links
    )
    generate_polls(out_dir, catalog, period, seed, bad_rate, manifest)
    generate_pages(out_dir, catalog, period, seed, bad_rate, manifest)
    planter.write(out_dir)
    manifest.write(out_dir)
    return manifest
