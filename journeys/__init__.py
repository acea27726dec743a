"""The domain of the workbench: customer journeys as networkx graphs, and what is computed from them.

Nothing here knows that a database or a browser exists (``tests/test_layering.py`` holds that).

``model``     the journey graph and its attributes, validation, the editor's tables, templates
``analysis``  customer flow, weakness, diagnostics, the as-is/to-be comparison, ideas, survey aggregates
``charts``    plotly figures (the journey map, heatmaps, matrices, curves) and their PNG and SVG images
``io``        the lossless JSON format, CSV, GraphML and Mermaid exports, survey files
``demo``      the demo workshop an empty workbench starts with: data files and their loader
``i18n``      the words of the interface (one TOML file per language), and numbers, dates and plurals as each language writes them
"""
