"""Reportage reports (SCORM Cloud's Reportage): what learners did, by course, learner,
invitation, destination and app, over a date range (the last 90 days unless asked otherwise).

* :mod:`.aggregates` how a registration counts (its *contribution*) and how a change of the
  registrations table moves the counters (the difference of the two contributions);
* :mod:`.queries`    reports over the counters: totals, daily series, score distribution,
  pass rate, tables of courses / learners, CSV;
* :mod:`.routes`     the web app's Reportage routes and API v2 ``ReportingApi``.
* :mod:`.launches`   each launch of a registration counted once, on its day, in its dimensions;
* :mod:`.questions`  question analysis: per course and interaction, attempts, % correct and
  common wrong answers (routes: :mod:`.question_routes`).

See docs/reportage.md.
"""
