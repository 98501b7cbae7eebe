"""Statement pipes: every statement stored in an LRS of Nimbus (an app's or the realm's),
forwarded to another LRS — SCORM Cloud's ``xapi/statementPipes``.

* :mod:`.pipes`     the pipes themselves: source, target (Basic credentials sealed in the
  vault), pause / resume, and how the API shows them (position, lag, last error);
* :mod:`.forwarder` the forwarding: in stored order per pipe, in batches, at least once, with
  exponential backoff plus jitter on failure and a dead-letter list for statements the target
  refuses for good; started by the statements table's change stream;
* :mod:`.routes`    API v2 ``/xapi/statementPipes`` and the web app's LRS › Forwarding page.

See docs/forwarding.md.
"""
