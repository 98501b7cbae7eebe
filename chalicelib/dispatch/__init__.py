"""Dispatch (SCORM Cloud's DispatchApi and what it delivers): destinations, dispatches, the
shell packages an LMS imports, the registrations of the learners they bring, Basic LTI 1.1
launches and PENS publishing.

Modules: :mod:`.fields` (request fields), :mod:`.destinations`, :mod:`.dispatches`,
:mod:`.routes` (``/api/v2/dispatch/...``).
"""
