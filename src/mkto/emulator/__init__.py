"""mkto.emulator: a local, stateful Marketo REST server that answers every documented error.

    from mkto.emulator import Emulator
    with Emulator() as emu:            # a fresh SQLite file, a free port on 127.0.0.1
        emu.base_url, emu.identity_url, emu.admin_url, emu.client_id, emu.client_secret

or from a shell, `mkto serve` (flags: --host --port --db --munchkin-id --client-id --client-secret --seed
--allow-query-token --admin-token), or in pytest, the `mkto_emulator` fixture (entry point `mkto`).

What a call goes through, in this order (each gate answers with the catalogue's code and message):
414 URI too long (nginx page) > 413 body too large (nginx page; bulk import has its own limit) > 610 unknown
resource > 605 method not supported > 601/602 token > 603 permission or IP allowlist > 607 daily quota
(midnight America/Chicago on the virtual clock) > 606 sliding rate window > 615 concurrency > injected
faults > 612 content type / 613 multipart > 609 JSON > the area's handler (one transaction).
`POST ...?_method=GET` (or `_method` in a form body) is the GET it names; `DELETE /rest/v1/leads.json` and
`POST /rest/v1/leads.json?_method=DELETE` reach Delete Leads.

The admin API lives under `/_mkto/` (loopback only unless an admin token is set) and is never counted:

    curl -s localhost:8080/_mkto/usage                                   # window, in flight, daily, export
    curl -s -X PUT localhost:8080/_mkto/limits -d '{"rate_calls": 5}'    # GET reads them
    curl -s -X POST localhost:8080/_mkto/clock -d '{"advance": 3601}'    # or {"set": ISO8601}, {"reset": true}
    curl -s -X POST localhost:8080/_mkto/faults -d '{"code": "http:502", "times": 1, "path": "/rest/v1/leads*"}'
    curl -s -X POST localhost:8080/_mkto/users -d '{"permissions": ["Read-Only Lead"], "ip_allowlist": ["10.0.0.0/8"]}'
    curl -s localhost:8080/_mkto/requests?limit=20                        # newest first, with the code answered
    curl -s -X POST localhost:8080/_mkto/reset                            # data, counters, faults (not users)

Counters, tokens and fault plans live in the server process; data and API users live in the database.
"""

from ._api import ApiError, ApiUser, Call, Endpoint, Reply
from ._app import create_app
from ._limits import Limits
from ._server import Emulator, Instance

__all__ = ["ApiError", "ApiUser", "Call", "Emulator", "Endpoint", "Instance", "Limits", "Reply", "create_app"]
