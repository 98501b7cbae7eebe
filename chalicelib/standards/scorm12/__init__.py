"""SCORM 1.2: manifest reading."""
