"""The floor for stroke latency: a page with only the Draw page's canvas and a trivial Prediction.

bench/stroke_latency.py serves this next to app.py and times both the same way.
The canvas call mirrors pages/screens/draw.py (size, pen, background, image data); the
"prediction" is just the number of drawn pixels, so the difference between the
two pages is the cost of nnviz's own work per stroke (preprocess, forward pass,
figures). Run alone with: streamlit run bench/bare_canvas_app.py
"""

from __future__ import annotations

import streamlit as st
from streamlit_drawable_canvas import st_canvas

st.set_page_config(page_title="bare canvas", layout="wide")  # the same layout as app.py
canvas = st_canvas(
    stroke_width=20,
    stroke_color="#FFFFFF",
    background_color="#000000",
    width=280,
    height=280,
    drawing_mode="freedraw",
    return_image_data=True,
    key="draw_canvas",
)

image = canvas.image_data
drawn_pixels = 0 if image is None else int((image[:, :, :3].max(axis=2) > 0).sum())
if drawn_pixels:
    st.metric("Prediction", drawn_pixels)
else:
    st.info("Draw a digit")
