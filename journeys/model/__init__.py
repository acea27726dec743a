"""The journey model: the graph and its attributes, validation, the editor's tables, templates."""
