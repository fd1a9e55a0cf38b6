"""The app's pages, as layout only (nnviz/ holds the logic).

Nothing sits at the top level of this folder: a folder named pages/ makes Streamlit
start in its legacy multipage mode, which serves every top-level pages/*.py file by
URL. Page modules live in pages/screens/ and shared widgets in pages/ui/, where that
mode cannot reach them, so app.py's st.navigation is the only router.
"""
