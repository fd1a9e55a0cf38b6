"""Compare runs: the session's finished runs side by side, on the Train page below the live curves."""

from __future__ import annotations

import streamlit as st

from nnviz.figures.compare import DIFFERS, compare_accuracy_figure, compare_loss_figure, compare_table
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.glossary import explain
from nnviz.session.state import training
from nnviz.session.state.training import TrainingState
from nnviz.training.run_compare import MAX_KEPT_RUNS, compare_rows, task_note
from pages.ui import training as session_training
from pages.ui.state import load, save, set_widget_value, widget_value
from pages.ui.view import chart

ROW_PX = 35  # st.dataframe's row height: the compare table is sized to show every row without scrolling
SHOWN = "compare_shown"  # widget key of the show/hide pills
PICK = "compare_pick"  # widget key of "Your model on every page"


def _remember_shown() -> None:
    save(training.with_shown_runs(load(TrainingState), widget_value(SHOWN) or []))


def compare_panel() -> None:
    """Overlaid curves, the settings table with what differs highlighted, and which run is the model."""
    st.subheader("4 · Compare your runs")
    state = load(TrainingState)
    if not (runs := state.kept_runs):
        st.caption(f"Every run you finish appears here (the last {MAX_KEPT_RUNS}), so you can compare them.")
        return
    labels = {run.number: run.label() for run in runs}
    set_widget_value(SHOWN, training.shown_runs(state))  # hidden runs stay hidden as new runs arrive
    show = {"format_func": labels.get, "key": SHOWN, "on_change": _remember_shown, "help": explain("compare_runs")}
    st.pills("Show these runs", list(labels), selection_mode="multi", **show)
    if not (shown := tuple(run for run in runs if run.number in widget_value(SHOWN))):
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
    st.dataframe(
        compare_table(rows, shown), hide_index=True, key="compare_table", height=int(ROW_PX * (len(rows) + 1.5))
    )
    st.caption(f"Rows marked {DIFFERS} are the settings and results in which the shown runs differ." + task_note(shown))
    if usable := [run.number for run in runs if run.model is not None]:
        # The picker always shows the model in use (a new run or the Back-to-default button may have changed it).
        set_widget_value(PICK, state.active_run if state.active_run in usable else None)
        use = {"on_change": lambda: session_training.use_kept_run(widget_value(PICK)), "help": explain("model_in_use")}
        st.radio("Your model on every page", usable, format_func=labels.get, key=PICK, horizontal=True, **use)
