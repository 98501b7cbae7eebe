"""SCORM 2004 (2nd, 3rd and 4th Edition): manifest reading and sequencing definitions."""
