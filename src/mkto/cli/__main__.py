"""`python -m mkto.cli`, the same as the `mkto` console script."""

from mkto.cli import main

main()
