"""Every "open X" and the address bar: one way to open a page on a tab with an experiment.

A lesson button, a glossary link, the board's "Open it" and Network's edge → Learn all name an
Address (nnviz.session.address): the session takes its experiment, the page opens with the
address in the link, and the router, on arrival, opens the tab the link names. After every run
the router writes where the student is back into the address bar, so a copied link or a reload
lands on the same page, tab and experiment.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NoReturn

import streamlit as st

from nnviz.figures.qr import qr_png
from nnviz.session.address import (
    PAGE_FILES,
    PAGE_PARAMS,
    ROOM_PARAM,
    TAB_PARAM,
    TABS,
    Address,
    Place,
    page_of,
    place_of,
    query,
    tab_label,
    tab_labels,
    tab_slug,
    to_url,
)
from nnviz.session.public_url import PUBLIC_URL_ENV, public_link, public_origin
from nnviz.session.settings import Experiment, ViewConfig, to_query
from nnviz.session.state.experiment import (
    ExperimentState,
    read_link,
    take_link_problems,
    with_experiment,
    with_link_problems,
    with_view,
)
from nnviz.session.state.input import InputState, remount
from nnviz.session.state.view import ViewState, leave
from nnviz.session.state.view import enter_page as enter_view
from pages.ui import state


def experiment() -> Experiment:
    """This session's current experiment: what the Train form shows and the address bar holds."""
    return state.load(ExperimentState).experiment


def view() -> ViewConfig:
    return experiment().view


def set_view(**changes: object) -> None:
    """Change view settings (presenter=..., guess_first=..., lesson_step=...) of the session's experiment."""
    state.save(with_view(state.load(ExperimentState), **changes))


def go(address: Address) -> NoReturn:
    """Open `address` now: the session takes its experiment, then its page opens on its tab."""
    state.save(with_experiment(state.load(ExperimentState), address.experiment))
    state.save(leave(state.load(ViewState)))  # so this run, ending, leaves the address bar to the page it opens
    st.switch_page(address.place.file, query_params=query(address))


def open_button(label: str, address: Address, key: str, **button: Any) -> None:
    """A button that opens `address` (in a page or a fragment body; the switch cannot run in a callback)."""
    if st.button(label, key=key, **button):
        go(address)


def link_to(label: str, place: Place, **link: Any) -> None:
    """A link to `place` that keeps the session's experiment (the glossary's "See it on …")."""
    st.page_link(place.file, label=label, query_params=query(Address(place, experiment())), **link)


def tab_key(page: str) -> str:
    """The widget key of `page`'s tabs (its CSS class is st-key-<page>_tabs)."""
    return f"{page}_tabs"


def _tab_opened(page: str) -> None:
    # Straight into the address bar: a page drawn in a fragment reruns only the fragment, not the router.
    tab = Place(page, tab_slug(page, state.widget_value(tab_key(page)))).tab  # None: the first tab, not in links
    if tab is None:
        st.query_params.pop(TAB_PARAM, None)
    else:
        st.query_params[TAB_PARAM] = tab


def tabs(page: str) -> Sequence[Any]:
    """`page`'s tabs (nnviz.session.address.TABS), opened on the one the address names; only the open one runs."""
    return st.tabs(tab_labels(page), key=tab_key(page), on_change=_tab_opened, args=(page,))


def _origin() -> str | None:
    base = str(st.get_option("server.baseUrlPath") or "")
    return public_origin(os.environ.get(PUBLIC_URL_ENV), st.context.url, st.context.headers.get("host"), base_path=base)


def hand_out_link(address: Address) -> str:
    """`address` as a full link students can open: the public origin, and no presenter mode (that is the teacher's)."""
    exp = address.experiment
    relative = to_url(replace(address, experiment=replace(exp, view=replace(exp.view, presenter=False))))
    return public_link(_origin(), relative)


def join_link(code: str) -> str:
    """The board's join link for room `code`: the Train page, its join panel filled in with the code."""
    relative = to_url(Address(Place("train"))) + f"?{ROOM_PARAM}={code}"
    return public_link(_origin(), relative)


def show_link(link: str, caption: str) -> None:
    """A link as plain text (copied, never clicked: it may hold any text) and its QR code to scan."""
    st.code(link, language=None, wrap_lines=True)
    st.image(qr_png(link), caption=caption, width=200)


# --- The router's part -----------------------------------------------------------------------------------------


def read_link_once() -> None:
    """On a session's first run, take the experiment from the link; say what was ignored (shown once)."""
    params = {name: value for name, value in st.query_params.to_dict().items() if name not in PAGE_PARAMS}
    state.save(read_link(state.load(ExperimentState), params))


def link_problems() -> list[str]:
    """The sentences about ignored link parameters, once (they are forgotten when read)."""
    kept, problems = take_link_problems(state.load(ExperimentState))
    state.save(kept)
    return list(problems)


def arrive(url_path: str) -> None:
    """Called by the router on every run with the page about to run (its url_path; "" is the default page).

    On arrival from another page (or in a new session) the canvas is about to be mounted afresh,
    so the drawing it should show is captured anew, and the page opens on the tab the link names.
    """
    page = page_of(url_path) or url_path
    moved, switched = enter_view(state.load(ViewState), page)
    if not switched:
        return
    state.save(moved)
    state.save(remount(state.load(InputState)))
    # A tab in the link of a page without tabs is left over from the page before: not worth a word.
    if page in TABS and (tab := st.query_params.get(TAB_PARAM)) is not None:
        place, problems = place_of(page, tab)
        state.save(with_link_problems(state.load(ExperimentState), problems))
        state.set_widget_value(tab_key(page), tab_label(page, place.tab) or tab_labels(page)[0])


def write_link() -> None:
    """Put where the student is into the address bar: the open tab, then the settings that differ from the defaults.

    Called by the router after every page ran, so copying the URL always reproduces the
    experiment and a reload keeps it. Nothing is sent while the address bar already agrees.
    """
    page = state.load(ViewState).page
    if page is None:  # a page switch is under way: the page it opens writes its own address
        return
    tab = tab_slug(page, state.widget_value(tab_key(page))) if page in TABS else None
    here = query(Address(Place(page, tab), experiment())) if page in PAGE_FILES else to_query(experiment())
    current = st.query_params.to_dict()
    wanted = here | {name: current[name] for name in PAGE_PARAMS if name in current and name != TAB_PARAM}
    if current != wanted:
        st.query_params.from_dict(wanted)
