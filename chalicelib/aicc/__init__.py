"""AICC delivery over HACP (AICC CMI001 v4, the HTTP AICC Communication Protocol).

An AICC assignable unit (AU) is launched with ``aicc_sid`` (its HACP session) and ``aicc_url``
(our HACP endpoint) on its URL, then talks to the LMS with form posts:

* :mod:`~chalicelib.aicc.errors`: CMI001's HACP error numbers and texts, as data;
* :mod:`~chalicelib.aicc.protocol`: the request (``command``, ``version``, ``session_id``,
  ``aicc_data``, keywords case-insensitive) and the answer; ``aicc_data`` as INI groups or CSV;
* :mod:`~chalicelib.aicc.datamodel`: the HACP data model ↔ the SCORM 1.2 run-time data the
  registration keeps (CMI001 is SCORM 1.2's ancestor), so results, rollup, the runtime view and
  reports are the SCORM 1.2 ones;
* :mod:`~chalicelib.aicc.files`: ``PutComments`` / ``PutObjectives`` / ``PutInteractions`` /
  ``PutPath`` / ``PutPerformance`` (CMI001's student performance file formats);
* :mod:`~chalicelib.aicc.commands`: one handler per command (a dispatch table);
* :mod:`~chalicelib.aicc.sessions`: the signed, expiring ``aicc_sid`` and the AU's launch URL;
* :mod:`~chalicelib.aicc.completion`: ``.cmp`` completion requirements of blocks and AUs;
* :mod:`~chalicelib.aicc.endpoint` and :mod:`~chalicelib.aicc.routes`: ``POST /launch/aicc/hacp``.
"""
