"""Postbacks (SCORM Cloud "PostBackSchema"): a registration's results, or a finished import job,
POSTed to the customer's URL when they change, retried with exponential backoff and jitter
(up to 70 attempts over about a day, as SCORM Cloud does), every attempt in a delivery log.

* :mod:`.config`   the postback settings of a registration (``postBack`` of
  CreateRegistrationSchema), validated, the password sealed in the vault;
* :mod:`.payload`  what is sent: the registration as GetRegistrationProgress shows it at
  ``resultsFormat`` COURSE / ACTIVITY / FULL, as JSON (HTTPBASIC) or a form (FORM);
* :mod:`.delivery` when: on every results change (the registrations table's change stream),
  one attempt at a time through the postback queue, 2xx and 3xx counting as delivered;
* :mod:`.routes`   ``POST /registrations/postBackTest`` and the delivery log.

See docs/postbacks.md.
"""
