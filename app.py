"""nnviz: the entry point and router. Run with `streamlit run app.py`.

It only lays out the navigation; each page lives in pages/. The body is
guarded so that a process which imports this file (a multiprocessing child
re-imports the entry script as __mp_main__) does not start the app again.
"""

import streamlit as st

from pages import _session as session
from pages._board_widgets import shared_experiment_notice


def main() -> None:
    st.set_page_config(page_title="nnviz — see a neural network think", page_icon="🧠", layout="wide")
    page = st.navigation(
        [
            st.Page("pages/draw.py", title="Draw", icon=":material/draw:", default=True),
            st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
            st.Page("pages/network.py", title="Network", icon=":material/hub:"),
            st.Page("pages/board.py", title="Board", icon=":material/leaderboard:"),
        ]
    )
    session.enter_page(page.url_path)
    shared_experiment_notice()
    page.run()


if __name__ == "__main__":
    main()
