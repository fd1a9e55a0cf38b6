"""Lesson page: the lab, step by step, each step one click from the live network; and the glossary."""

from __future__ import annotations

import streamlit as st

from nnviz.lesson.glossary import TERMS, find_terms
from nnviz.lesson.steps import LESSON_INTRO, STEP_COUNT, STEPS, check_answer, clamp_step, step_experiment, step_label
from nnviz.session.address import Address
from nnviz.session.state.input import InputState
from pages.ui import links, state, training

JUMP = "lesson_jump"  # widget key of the "go to step" picker
GLOSSARY_FILTER = "lesson_glossary_filter"


def _go_to(number: int) -> None:
    links.set_view(lesson_step=clamp_step(number))


def _indicator(number: int) -> None:
    progress_col, jump_col = st.columns([1, 1], vertical_alignment="bottom")
    progress_col.progress(number / STEP_COUNT, text=f"Step {number} of {STEP_COUNT}")
    state.set_widget_value(JUMP, number)  # shows the current step, also after Back/Next or a link
    jump = {"format_func": step_label, "key": JUMP, "on_change": lambda: _go_to(state.widget_value(JUMP))}
    jump_col.selectbox("Go to step", list(range(1, STEP_COUNT + 1)), label_visibility="collapsed", **jump)


def _open_button(number: int) -> None:
    step = STEPS[number - 1]
    address = Address(step.place, step_experiment(number, links.view()))
    links.open_button(step.button, address, "lesson_open", type="primary", icon=":material/open_in_new:")
    st.caption(f"Opens **{step.place.title}** with this step's settings. The same as a link for the class:")
    links.show_link(links.hand_out_link(address), "Scan to open this step")


def _check(number: int) -> None:
    check = STEPS[number - 1].check
    if check is None:
        return
    st.markdown(f"**Check:** {check.question}")
    current = state.load(InputState).current
    answer = check_answer(check, training.active_network(), None if current is None else current.pixels)
    if answer is None:
        st.caption("Draw a digit first (press the button above): the answer is read from your drawing.")
        return
    if st.toggle("Reveal the answer", key=f"lesson_reveal_{number}"):
        st.success(answer, icon=":material/check_circle:")
    else:
        st.caption("Answer it together first, then reveal what the live network says.")


def _back_next(number: int) -> None:
    moves = (
        ("Back", "lesson_back", ":material/arrow_back:", number - 1),
        ("Next", "lesson_next", ":material/arrow_forward:", number + 1),
    )
    for column, (label, key, icon, target) in zip(st.columns(2), moves):
        go = {"on_click": _go_to, "args": (target,), "disabled": not 1 <= target <= STEP_COUNT}
        column.button(label, key=key, icon=icon, width="stretch", **go)


def _step(number: int) -> None:
    step = STEPS[number - 1]
    st.header(step_label(number))
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
        terms = find_terms(st.text_input("Find a word", key=GLOSSARY_FILTER, placeholder="e.g. bias"))
        if not terms:
            st.caption("No word matches.")
        for term in terms:
            st.markdown(f"**{term.name}**: {term.text}")
            links.link_to(f"See it on {term.place.title}: {term.look}", term.place, help=term.name)


st.title("Lesson")
st.caption(LESSON_INTRO)
current_step = clamp_step(links.view().lesson_step)
_indicator(current_step)
_step(current_step)
_back_next(current_step)
_glossary()
