"""Compare runs: the session's finished runs side by side, on the Train page below the live curves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nnviz.figures.compare import compare_accuracy_figure, compare_loss_figure
from nnviz.figures.style import ACCENT, PLOT_CONFIG
from nnviz.training.run_compare import MAX_KEPT_RUNS, CompareRow, KeptRun, compare_rows
from pages.ui import session
from pages.ui.view import chart

ROW_PX = 35  # st.dataframe's row height: the compare table is sized to show every row without scrolling
SHOWN = "compare_shown"  # widget key of the show/hide pills
PICK = "compare_pick"  # widget key of "Your model on every page"
HIDDEN_RUNS = "compare_hidden"  # numbers of the runs the student hid (kept across new runs)
DIFFERS = "◆ differs"  # a mark as well as a colour: the highlight never relies on colour alone
DIFFERS_BACKGROUND = f"background-color: {ACCENT}33; font-weight: 600"  # the accent at 20 % opacity


def _remember_hidden(numbers: list[int]) -> None:
    shown = set(st.session_state.get(SHOWN) or [])
    st.session_state[HIDDEN_RUNS] = {number for number in numbers if number not in shown}


def _table(rows: list[CompareRow], runs: tuple[KeptRun, ...]):
    frame = pd.DataFrame(
        [[row.label, DIFFERS if row.differs else "", *row.values] for row in rows],
        columns=["Setting", "", *(run.title for run in runs)],
    )
    differs = [row.differs for row in rows]
    return frame.style.apply(lambda column: [DIFFERS_BACKGROUND if d else "" for d in differs], axis=0)


def compare_panel() -> None:
    """Overlaid curves, the settings table with what differs highlighted, and which run is the model."""
    st.subheader("4 · Compare your runs")
    runs = session.kept_runs()
    if not runs:
        st.caption(f"Every run you finish appears here (the last {MAX_KEPT_RUNS}), so you can compare them.")
        return
    numbers = [run.number for run in runs]
    hidden = st.session_state.get(HIDDEN_RUNS, set())
    st.session_state[SHOWN] = [number for number in numbers if number not in hidden]
    labels = {run.number: run.label() for run in runs}
    st.pills(
        "Show these runs",
        numbers,
        selection_mode="multi",
        format_func=labels.get,
        key=SHOWN,
        on_change=_remember_hidden,
        args=(numbers,),
        help="Click a run to hide it from the curves and the table; click again to bring it back.",
    )
    shown = tuple(run for run in runs if run.number in st.session_state[SHOWN])
    if not shown:
        st.caption("All runs are hidden: click one above to show it.")
        return
    loss_col, accuracy_col = st.columns(2)
    with loss_col:
        chart(compare_loss_figure(shown), config=PLOT_CONFIG, key="compare_loss")
        st.caption("Training loss of each run: the lower and the sooner it falls, the faster that network learned.")
    with accuracy_col:
        chart(compare_accuracy_figure(shown), config=PLOT_CONFIG, key="compare_accuracy")
        st.caption("After each epoch: how many unseen validation images each run gets right.")
    rows = compare_rows(shown)
    st.dataframe(_table(rows, shown), hide_index=True, key="compare_table", height=int(ROW_PX * (len(rows) + 1.5)))
    st.caption(f"Rows marked {DIFFERS} are the settings and results in which the shown runs differ.")
    _model_picker(runs)


def _use_picked() -> None:
    session.use_kept_run(st.session_state[PICK])


def _model_picker(runs: tuple[KeptRun, ...]) -> None:
    usable = [run.number for run in runs if run.model is not None]
    if not usable:
        return
    active = session.active_run_number()
    # The picker always shows the model in use (a new run or the Back-to-default button may have changed it).
    st.session_state[PICK] = active if active in usable else None
    labels = {run.number: run.label() for run in runs}
    st.radio(
        "Your model on every page",
        usable,
        format_func=labels.get,
        key=PICK,
        horizontal=True,
        on_change=_use_picked,
        help="Pick a run to make its network the one the Draw and Network pages use.",
    )
