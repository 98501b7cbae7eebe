"""Invitations (SCORM Cloud API v2 InvitationsApi): share a course with people who have no account.

* :mod:`.public`  — a public link anyone may open; its splash page (:mod:`.splash`) registers
  the visitor (or resumes the registration of an address it has seen) and launches the course;
* :mod:`.private` — a list of learners, one registration each at invitation time, and a personal
  link emailed to each by a job (:mod:`.jobs`, :mod:`.emails`);
* :mod:`.catalog` — lists (paged with ``more``), tags and the people an invitation registered;
* :mod:`.fields`  — the request fields, validated as data;
* :mod:`.common`  — shapes and states shared by both kinds.

There is no delete in the API: an invitation goes when its course goes
(:func:`.common.delete_for_course`, called by :func:`chalicelib.courses.delete`), and
``allowLaunch=false`` disables it.
"""
