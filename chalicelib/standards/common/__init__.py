"""Rules shared by the SCORM 1.2 and 2004 run-time data models: data types, durations, the element
table record and element-path resolution (RTE 1.2 section 3.4; SCORM 2004 4th Ed. RTE section 4.1)."""
