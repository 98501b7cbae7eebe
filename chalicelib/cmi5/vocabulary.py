"""The IRIs cmi5 defines (cmi5 §9.3 verbs, §9.4 activity types, §9.5.5 result extensions, §9.6.2
context activities, §9.6.3 context extensions, §10 ``LMS.LaunchData``, §11 learner preferences)."""

from __future__ import annotations

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
W3ID_VERBS = "https://w3id.org/xapi/adl/verbs/"

LAUNCHED = ADL_VERBS + "launched"
INITIALIZED = ADL_VERBS + "initialized"
COMPLETED = ADL_VERBS + "completed"
PASSED = ADL_VERBS + "passed"
FAILED = ADL_VERBS + "failed"
TERMINATED = ADL_VERBS + "terminated"
ABANDONED = W3ID_VERBS + "abandoned"
WAIVED = W3ID_VERBS + "waived"
SATISFIED = W3ID_VERBS + "satisfied"
VOIDED = ADL_VERBS + "voided"

#: verbs an AU uses in cmi5 defined statements (§9.3.2-9.3.5, §9.3.8)
AU_VERBS = frozenset({INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED})
#: verbs only the LMS uses (§9.3.1, §9.3.6, §9.3.7, §9.3.9)
LMS_VERBS = frozenset({LAUNCHED, ABANDONED, WAIVED, SATISFIED})
#: verbs whose result carries success or completion: they need the moveOn category (§9.6.2.2)
MOVE_ON_VERBS = frozenset({COMPLETED, PASSED, FAILED})

CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon"

EXTENSIONS = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXTENSIONS + "sessionid"
MASTERY_SCORE = EXTENSIONS + "masteryscore"
LAUNCH_MODE = EXTENSIONS + "launchmode"
LAUNCH_URL = EXTENSIONS + "launchurl"
MOVE_ON = EXTENSIONS + "moveon"
LAUNCH_PARAMETERS = EXTENSIONS + "launchparameters"

REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"

AU_TYPE = "https://w3id.org/xapi/cmi5/activitytype/au"
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"

LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
LAUNCH_MODES = ("Normal", "Browse", "Review")
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")
