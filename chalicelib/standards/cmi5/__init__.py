"""cmi5: course structures (cmi5.xml) and generated courses for media files."""
