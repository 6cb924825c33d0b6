"""The emulator's shared floor: what several API areas use, so that no area reaches into another's modules.

- `tables`: the tables several areas read and write (leads, memberships, activities, dedupe object records, ...);
- `schema`: the lead field catalogue (standard fields, custom fields, which can be searched or looked up);
- `values`: field values: what each field type accepts, the stored form, how a value is shown in a message;
- `paging`: the one paging token codec; `keyset`: id-ordered page queries that hand those tokens out;
- `activity`: `record_activity` and the standard activity type ids every area logs with;
- `objects`: the dedupe-object engine behind companies, opportunities, roles, sales persons, named accounts
  and custom objects (their description, the generic model, the generic handlers).

Modules here import the emulator core (`_api`, `_params`, `_store`, `_render`) and each other, never an area.
See docs/architecture.md for the layers.
"""
