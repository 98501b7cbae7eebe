"""Per-standard package parsers, data models and SCORM 2004 sequencing (course import and
runtime issues). Package names equal the API's ``courseLearningStandard`` values."""
