"""Journeys in and out: the lossless JSON format, exports for other tools, survey files."""
