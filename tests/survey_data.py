"""Survey files for the tests: the generator lives with the demo data in :mod:`journeys.demo.surveys`."""

from journeys.demo.surveys import BROADBAND, Question, broadband_survey, make_responses, to_csv, to_long_csv

__all__ = ["Question", "make_responses", "to_csv", "to_long_csv", "BROADBAND", "broadband_survey"]
