"""Lesson page: the lab, step by step, each step one click from the live network; and the glossary."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException

from nnviz.lesson.glossary import TERMS
from nnviz.lesson.steps import (
    FALLBACK_PAGE,
    PAGE_TITLES,
    STEP_COUNT,
    STEPS,
    check_answer,
    clamp_step,
    page_file,
    page_key,
    step_experiment,
)
from nnviz.session.settings import Experiment, link_for, to_query
from pages.ui import session

ROOT = Path(__file__).resolve().parent.parent
JUMP = "lesson_jump"  # widget key of the "go to step" picker
GLOSSARY_FILTER = "lesson_glossary_filter"


def _go_to(number: int) -> None:
    session.set_view(lesson_step=clamp_step(number))


def _jumped() -> None:
    _go_to(st.session_state[JUMP])


def _target(page: str) -> str:
    """The file of page key `page` that this app has (a missing Learn or Test page falls back)."""
    return page_file(page, ROOT)


def _switch(page: str, exp: Experiment) -> None:
    """Open `page` with `exp` in the link; a page the navigation does not list falls back to its stand-in."""
    path = _target(page)
    try:
        st.switch_page(path, query_params=to_query(exp))
    except StreamlitAPIException:
        fallback = FALLBACK_PAGE.get(page_key(path))
        if fallback is None:
            raise
        _switch(fallback, exp)


def _open(page: str, exp: Experiment) -> None:
    session.set_experiment(exp)  # the Train form re-seeds itself from it
    st.session_state[session.LESSON_OPENING] = page


def _page_link(page: str, label: str, key_help: str) -> None:
    path = _target(page)
    try:
        st.page_link(path, label=label, help=key_help)
    except StreamlitAPIException:
        fallback = FALLBACK_PAGE.get(page_key(path))
        if fallback is not None:
            _page_link(fallback, label, key_help)


def _full_link(page: str, exp: Experiment) -> str:
    """The step's link with this server's address in front, to hand out to the class.

    Without presenter mode: that is for the teacher's projector, not the students' screens.
    """
    relative = link_for(page, replace(exp, view=replace(exp.view, presenter=False)))
    origin = urlsplit(st.context.url or "")
    return f"{origin.scheme}://{origin.netloc}{relative}" if origin.netloc else relative


def _indicator(number: int) -> None:
    progress_col, jump_col = st.columns([1, 1], vertical_alignment="bottom")
    progress_col.progress(number / STEP_COUNT, text=f"Step {number} of {STEP_COUNT}")
    st.session_state[JUMP] = number  # shows the current step, also after Back/Next or a link
    jump_col.selectbox(
        "Go to step",
        list(range(1, STEP_COUNT + 1)),
        format_func=lambda n: f"{n} · {STEPS[n - 1].title}",
        key=JUMP,
        on_change=_jumped,
        label_visibility="collapsed",
    )


def _open_button(number: int) -> None:
    step = STEPS[number - 1]
    exp = step_experiment(number, session.experiment())
    page = page_key(_target(step.page))
    # A callback, so the click survives a rerun; the switch itself happens in the page's next run.
    st.button(
        step.button, key="lesson_open", type="primary", icon=":material/open_in_new:", on_click=_open, args=(page, exp)
    )
    st.caption(f"Opens the **{PAGE_TITLES[page]}** page with this step's settings. The same as a link for the class:")
    st.code(_full_link(page, exp), language=None, wrap_lines=True)


def _check(number: int) -> None:
    check = STEPS[number - 1].check
    if check is None:
        return
    st.markdown(f"**Check:** {check.question}")
    current = session.current_input()
    answer = check_answer(check, session.active_network(), None if current is None else current.pixels)
    if answer is None:
        st.caption("Draw a digit first (press the button above): the answer is read from your drawing.")
        return
    if st.toggle("Reveal the answer", key=f"lesson_reveal_{number}"):
        st.success(answer, icon=":material/check_circle:")
    else:
        st.caption("Answer it together first, then reveal what the live network says.")


def _back_next(number: int) -> None:
    back_col, next_col = st.columns(2)
    back_col.button(
        "Back",
        key="lesson_back",
        icon=":material/arrow_back:",
        disabled=number == 1,
        on_click=_go_to,
        args=(number - 1,),
        width="stretch",
    )
    next_col.button(
        "Next",
        key="lesson_next",
        icon=":material/arrow_forward:",
        disabled=number == STEP_COUNT,
        on_click=_go_to,
        args=(number + 1,),
        width="stretch",
    )


def _step(number: int) -> None:
    step = STEPS[number - 1]
    st.header(f"{number} · {step.title}")
    text_col, do_col = st.columns([1.3, 1], gap="large")
    with text_col:
        st.markdown(step.text)
        with st.container(border=True):
            st.markdown("**Words in this step**")
            for key in step.terms:
                term = TERMS[key]
                st.markdown(f"**{term.name}**: {term.text}")
    with do_col:
        st.markdown(f"**Do:** {step.do}")
        _open_button(number)
        _check(number)


def _glossary() -> None:
    with st.expander("Glossary: every word of the lesson", icon=":material/menu_book:"):
        wanted = st.text_input("Find a word", key=GLOSSARY_FILTER, placeholder="e.g. bias").strip().lower()
        terms = [t for t in TERMS.values() if wanted in t.name.lower() or wanted in t.text.lower()]
        if not terms:
            st.caption("No word matches.")
        for term in sorted(terms, key=lambda t: t.name.lower()):
            st.markdown(f"**{term.name}**: {term.text}")
            _page_link(term.page, f"See it on {PAGE_TITLES[page_key(_target(term.page))]}: {term.look}", term.name)


if (opening := st.session_state.pop(session.LESSON_OPENING, None)) is not None:
    _switch(opening, session.experiment())
st.title("Lesson")
st.caption(
    "How a network reads a digit, in thirteen short steps. Read a step together, press its button to try it "
    "on the live network, then come back here for the next one."
)
current_step = clamp_step(session.view().lesson_step)
_indicator(current_step)
_step(current_step)
_back_next(current_step)
_glossary()
