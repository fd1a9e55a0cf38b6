"""Browser tests: the real app served by `streamlit run`, driven with the mouse in real Chromium."""
