"""cmi5 ("quartz"), the LMS side: launch (launch URL, one-time fetch URL, ``LMS.LaunchData``), the
session rules the LRS enforces on an AU's statements, moveOn evaluation per AU, block and course,
and the LMS's own statements (launched, satisfied, abandoned, waived).

Modules: :mod:`vocabulary` (IRIs), :mod:`rules` (the statement rules, a data table),
:mod:`move_on` (satisfaction), :mod:`statements` (the LMS's statements), :mod:`state` (a
registration's cmi5 state: sessions and AU results), :mod:`launch` and :mod:`tracking` (the
workflows, storage included), :mod:`routes` (fetch URL and the API v2 extension).
The course structure itself is read by :mod:`chalicelib.standards.cmi5`.
"""
