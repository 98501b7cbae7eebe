"""Configuration settings (SCORM Cloud API v2 ``.../configuration``): a table of the settings that
change what Nimbus does (:mod:`.catalog`), values set per application, course, course version,
registration and registration instance (:mod:`.levels`), the most specific one winning, and the
routes that read and change them (:mod:`.routes`). The list is documented in docs/settings.md."""
