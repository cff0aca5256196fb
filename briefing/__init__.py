"""The weekly briefing pack: data from the certified marts (``data``), HTML/PDF (``document``) and
XLSX (``workbook``) rendering, files and retention (``files``), one entry point (``build``)."""
