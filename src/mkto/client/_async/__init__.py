"""The client's shell and resource facades. `_async/` is the source; `_sync/` is generated from it by
`python scripts/unasync.py` (never edit `_sync/` by hand; CI runs the script with `--check`).
"""
