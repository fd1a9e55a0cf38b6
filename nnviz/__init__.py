"""nnviz: a classroom neural-network playground (pure package: no streamlit)."""
