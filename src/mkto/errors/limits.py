"""Marketo's documented limits, the conditions behind 606, 607, 615, 413, 414, 1003, 1029 and friends.

The emulator enforces them (as defaults an admin call can change) and the client keeps under them;
both read them from here.
"""

RATE_CALLS = 100  # calls per RATE_SECONDS, whole instance (606)
RATE_SECONDS = 20
CONCURRENCY = 10  # calls in flight, whole instance (615)
DAILY_QUOTA = 50_000  # calls per day, resetting at midnight US Central (607)
TOKEN_TTL_S = 3600  # a new access token's lifespan
MAX_URI_BYTES = 8_192  # longer URIs get HTTP 414
MAX_BODY_BYTES = 1_048_576  # larger bodies get HTTP 413
MAX_IMPORT_BYTES = 10_485_760  # bulk import files
MAX_BATCH_RECORDS = 300  # records per batch call, values per filter, batchSize
MAX_FILTER_VALUES = 300
ASSET_DEFAULT_RETURN = 20  # Asset API browse: maxReturn when absent
ASSET_MAX_RETURN = 200  # Asset API browse: largest maxReturn
MAX_FILTER_MATCHES = 1_000  # Get Leads by Filter: more matches is 1003 "Too many results match the filter"
MAX_TRIGGER_LEADS = 100  # Request Campaign: leads and tokens per call
MAX_TRIGGER_TOKENS = 100
MAX_MERGE_IDS = 25  # Merge Leads: leadIds (1080)
EXPORT_DAILY_BYTES = 524_288_000  # bulk extract, 500 MB a day (1029)
BULK_QUEUE_SIZE = 10  # bulk jobs queued including running (1016, 1029)
BULK_RUNNING_JOBS = 2
