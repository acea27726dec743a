"""The demo workshop an empty workbench starts with."""
