# GENERATED FILE, do not edit: made from src/mkto/client/_async/__init__.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
"""The client's shell and resource facades. `_async/` is the source; `_sync/` is generated from it by
`python scripts/unasync.py` (never edit `_sync/` by hand; CI runs the script with `--check`).
"""
