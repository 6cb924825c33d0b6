"""The program members area has no table of its own: programs, their members and the members' field values
(`program_members`, `program_member_data`) are shared in `_common.tables`, since the leads area moves and
deletes memberships with their lead."""
