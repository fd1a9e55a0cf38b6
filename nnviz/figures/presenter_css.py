"""Presenter mode's page style: the CSS that goes with `nnviz.figures.style.for_presenter`'s figures."""

# Presenter mode: bigger type (input boxes too), black text instead of grey, thicker focus rings, wide enough
# for 1024 px. Disabled buttons are faded and dashed: the black text alone would make them look pressable.
PRESENTER_CSS = """
<style>
.stApp, .stApp p, .stApp li { color: #000000; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; line-height: 1.45; }
[data-testid="stCaptionContainer"] { font-size: 1.12rem; color: #000000; opacity: 1; }
[data-testid="stCaptionContainer"] p { font-size: 1.12rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; font-weight: 600; }
.stApp h1 { font-size: 2.6rem; }
.stApp h2, .stApp h3 { font-size: 1.9rem; }
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 3.6rem; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem; }
.stButton button p, .stDownloadButton button p { font-size: 1.15rem; font-weight: 600; }
.stApp button:focus-visible { outline: 3px solid #000000; }
.stApp input, .stApp textarea, .stApp [data-baseweb="select"] { font-size: 1.15rem; }
.stApp button:disabled { opacity: 0.45; border-style: dashed; cursor: not-allowed; }
.stApp button:disabled p { color: #6b6b6b; }
.stApp .block-container { padding-left: 1.5rem; padding-right: 1.5rem; max-width: 100%; }
</style>
"""

# A window narrower than 1200 px (a 1024 px projector, sidebar open, leaves the page 705 px): the page's side
# margins shrink from Streamlit's 5rem to 1rem (its own on a phone): the Network page's diagram fits beside the canvas.
NARROW_WINDOW_CSS = (
    "<style>@media (max-width: 1200px) { .stApp .block-container { padding-left: 1rem; padding-right: 1rem; } }</style>"
)
