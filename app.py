"""nnviz: the entry point and router. Run with `streamlit run app.py`.

It only lays out the navigation; each page lives in pages/. The body is
guarded so that a process which imports this file (a multiprocessing child
re-imports the entry script as __mp_main__) does not start the app again.
"""

import streamlit as st

from nnviz.session.plain_text import escape_markdown
from pages.ui import links, training, view
from pages.ui.board_widgets import shared_experiment_notice

LINK_IGNORED = "Some settings in the link were ignored. "


def main() -> None:
    links.read_link_once()  # before the page config: a link with ?present=1 opens with the sidebar folded
    st.set_page_config(
        page_title="nnviz — see a neural network think",
        page_icon="🧠",
        layout="wide",
        initial_sidebar_state=view.sidebar_state(),
    )
    page = st.navigation(
        [
            # The Lesson comes first in the menu, but the app opens on Draw.
            st.Page("pages/screens/lesson.py", title="Lesson", icon=":material/school:"),
            st.Page("pages/screens/draw.py", title="Draw", icon=":material/draw:", default=True),
            st.Page("pages/screens/network.py", title="Network", icon=":material/hub:"),
            st.Page("pages/screens/train.py", title="Train", icon=":material/model_training:"),
            st.Page("pages/screens/learn.py", title="Learn", icon=":material/trending_down:"),
            st.Page("pages/screens/test.py", title="Test", icon=":material/fact_check:"),
            st.Page("pages/screens/board.py", title="Board", icon=":material/leaderboard:"),
        ]
    )
    links.arrive(page.url_path)
    view.sidebar_switches()
    view.apply()
    shared_experiment_notice()
    if problems := links.link_problems():
        # Link text is untrusted: escaped, so "[Log in here](//ev.il)" shows as typed, never as a live link.
        st.warning(LINK_IGNORED + escape_markdown(" ".join(problems)), icon=":material/link_off:")
    try:
        page.run()
        training.keep_training_alive()  # a run in progress stays alive while its student visits any page
        view.sidebar_tally()
    finally:  # also when the page calls st.stop(): the address bar always holds the current experiment
        links.write_link()


if __name__ == "__main__":
    main()
