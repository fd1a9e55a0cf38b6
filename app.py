"""nnviz: the entry point and router. Run with `streamlit run app.py`.

It only lays out the navigation; each page lives in pages/. The body is
guarded so that a process which imports this file (a multiprocessing child
re-imports the entry script as __mp_main__) does not start the app again.
"""

import streamlit as st

from nnviz.plain_text import escape_markdown
from pages import _session as session
from pages._board_widgets import shared_experiment_notice

LINK_IGNORED = "Some settings in the link were ignored. "


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
    session.read_link_once()
    shared_experiment_notice()
    if problems := session.link_problems():
        # Link text is untrusted: escaped, so "[Log in here](//ev.il)" shows as typed, never as a live link.
        st.warning(LINK_IGNORED + escape_markdown(" ".join(problems)), icon=":material/link_off:")
    try:
        page.run()
    finally:  # also when the page calls st.stop(): the address bar always holds the current experiment
        session.write_link()


if __name__ == "__main__":
    main()
