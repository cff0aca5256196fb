"""``python -m cli`` is ``cur``."""

from cli.main import main

main()
