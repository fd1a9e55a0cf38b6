"""Figures: plotly builders that take plain arrays and return go.Figure, with one shared style."""
