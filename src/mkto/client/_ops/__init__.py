"""Operation builders, one module per API area, sans I/O: what each call sends and how its pages follow.

Each builder returns a flow (`Flow[T]`, run by a shell: `client.run(ops.sync(...))`) or a pager (driven by
a page iterator). The resource facades (`_async/`, and `_sync/` generated from it) only call these.
"""
