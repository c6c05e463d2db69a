"""Pure answers over stored rows (no database access, no rendering): a county's targets and a period's
reports grouped by county. The service runs the store queries and hands the typed rows here."""
