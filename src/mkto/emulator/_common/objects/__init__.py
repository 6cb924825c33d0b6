"""The dedupe-object engine: companies, opportunities, opportunity roles, sales persons, named accounts (the CRM
area) and custom objects (the custom objects area) share one contract, served once here.

- `types`: `ObjectType` and `ObjField`, what Describe shows and what the model needs to know of one object;
- `model`: `Objects`, the state and rules (sync by dedupe fields or id field, query, delete) of any object type;
- `routes`: handler factories (`sync_handler(resolve)`, ...) an area binds to its object types.
"""
