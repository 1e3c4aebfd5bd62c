"""The eligibility service (``eligibility serve``): an employee store, accounts and roles, a JSON API, sign-in pages
and an activity log, on top of the engine's public API. See docs/service.md.

Modules: ``core`` (the one door into the rest of eligibility), ``db`` (database location, transactions,
migrations), ``tables``, ``store`` (rosters and records), ``activity`` (the hash-chained activity log),
``roles`` and ``accounts``, ``permissions`` (the permission table), ``auth`` (who is calling), ``deciding``
(decisions and their cache), ``app`` with its routes (``web``, ``routes_people``, ``routes_agency``,
``routes_audit``), and ``serving`` (uvicorn, the demo).
"""
