"""Plotly figures: the journey map and the charts of Review, Portfolio, Compare, Ideas and Surveys, and their images."""
