"""Allow ``python -m piscan``."""

from piscan.cli import main

main()
