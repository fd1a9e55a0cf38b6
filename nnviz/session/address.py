"""Where a student is, as an address: the page, its tab, and the experiment (lesson step included).

`/learn?tab=descent&lr=3&step=10` is the Learn page on its "Gradient descent" tab with a learning
rate of 3, at step 10 of the lesson. The page is the path, the tab is `?tab=` (a stable slug, so
renaming a tab's label does not break a handed-out link), and every other parameter is one row
of the settings table (nnviz.session.settings: only settings that differ from the defaults).

Pure: `to_url` builds a link, `parse` reads one back and never raises, whatever the link holds
(a bad page, tab or setting is ignored with one plain sentence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from nnviz.session.settings import MAX_SHOWN_TEXT, Experiment, from_query, to_query

TAB_PARAM = "tab"
ROOM_PARAM = "room"
PAGE_PARAMS = (TAB_PARAM, ROOM_PARAM)  # link parameters of a page, not of the experiment (/board?room=K7QM)
DEFAULT_PAGE = "draw"  # the page "/" opens

# Page key -> its file (what st.Page and st.switch_page are given) and its menu title.
PAGE_FILES: dict[str, str] = {
    "lesson": "pages/screens/lesson.py",
    "draw": "pages/screens/draw.py",
    "network": "pages/screens/network.py",
    "train": "pages/screens/train.py",
    "learn": "pages/screens/learn.py",
    "test": "pages/screens/test.py",
    "board": "pages/screens/board.py",
}
PAGE_TITLES: dict[str, str] = {page: page.capitalize() for page in PAGE_FILES}


@dataclass(frozen=True)
class Tab:
    """One tab of a page: slug (in the link, never changes) and label (as shown, may be reworded)."""

    slug: str
    label: str


# Every page's tabs, in the order they are shown; the first one opens when the link names none.
TABS: dict[str, tuple[Tab, ...]] = {
    "learn": (
        Tab("loss", "1 · Loss"),
        Tab("descent", "2 · Gradient descent"),
        Tab("step", "3 · One step"),
        Tab("weights", "4 · Starting weights"),
        Tab("data", "5 · More data?"),
    ),
    "network": (
        Tab("neurons", "What each neuron looks for"),
        Tab("features", "Hidden layers as features"),
    ),
    "test": (
        Tab("score", "How good is it?"),
        Tab("why", "Why that answer?"),
        Tab("fooled", "It answers anyway"),
        Tab("ours", "Our drawings"),
    ),
}


def tab_labels(page: str) -> list[str]:
    """The labels of `page`'s tabs, in order (for st.tabs); [] for a page without tabs."""
    return [tab.label for tab in TABS.get(page, ())]


def tab_label(page: str, slug: str | None) -> str | None:
    """The label of `page`'s tab `slug`, or None when the page has no such tab."""
    return next((tab.label for tab in TABS.get(page, ()) if tab.slug == slug), None)


def tab_slug(page: str, label: object) -> str | None:
    """The slug of `page`'s tab shown as `label`, or None when none is."""
    return next((tab.slug for tab in TABS.get(page, ()) if tab.label == label), None)


@dataclass(frozen=True)
class Place:
    """A page (a key of PAGE_FILES) and, on a page with tabs, one of its tab slugs (None: the first tab).

    The first tab is kept as None, so a place has one link: /learn, never also /learn?tab=loss.
    Raises ValueError for a page or tab nnviz does not have, so a Place in code is always real.
    """

    page: str
    tab: str | None = None

    def __post_init__(self) -> None:
        if self.page not in PAGE_FILES:
            raise ValueError(f"There is no page {self.page!r}.")
        if self.tab is not None and tab_label(self.page, self.tab) is None:
            raise ValueError(f"The {PAGE_TITLES[self.page]} page has no tab {self.tab!r}.")
        if self.tab is not None and self.tab == TABS[self.page][0].slug:
            object.__setattr__(self, "tab", None)  # frozen: set once, while it is being made

    @property
    def file(self) -> str:
        return PAGE_FILES[self.page]

    @property
    def title(self) -> str:
        """How a sentence names it: "Draw", or with its tab "Learn · 2 · Gradient descent"."""
        label = tab_label(self.page, self.tab or next((tab.slug for tab in TABS.get(self.page, ())), None))
        return PAGE_TITLES[self.page] + (f" · {label}" if label else "")


@dataclass(frozen=True)
class Address:
    """A place and the experiment it opens with (the lesson step is part of the experiment's view)."""

    place: Place
    experiment: Experiment = field(default_factory=Experiment)


def query(address: Address) -> dict[str, str]:
    """The link parameters of `address`: its tab first, then the settings that differ from the defaults."""
    tab = {TAB_PARAM: address.place.tab} if address.place.tab is not None else {}
    return tab | to_query(address.experiment)


def to_url(address: Address) -> str:
    """The relative link of `address`, e.g. "/learn?tab=descent&lr=3&optimizer=sgd&step=10"."""
    params = urlencode(query(address), safe=",")
    return f"/{address.place.page}" + (f"?{params}" if params else "")


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_TEXT else text[:MAX_SHOWN_TEXT] + "…"


def page_of(path: str) -> str | None:
    """The page key a URL path names ("/learn", "learn/", "" and "/" -> the default page), or None."""
    name = str(path).strip().strip("/").lower()
    name = name or DEFAULT_PAGE
    return name if name in PAGE_FILES else None


def place_of(page: str, tab: str | None) -> tuple[Place, list[str]]:
    """The place of `page` (a known key) and the link's tab text; a tab it lacks is ignored with a sentence."""
    if tab is None:
        return Place(page), []
    slug = str(tab).strip().lower()
    if tab_label(page, slug) is not None:
        return Place(page, slug), []
    tabs = ", ".join(t.slug for t in TABS.get(page, ()))
    reason = f"the tabs are {tabs}" if tabs else "this page has no tabs"
    return Place(page), [f"Ignored tab={_shown(str(tab))}: {reason}."]


def parse(path: str, params: Mapping[str, str]) -> tuple[Address, list[str]]:
    """The address a link describes, and one plain sentence per part of it that was ignored.

    path: the URL path ("/learn"); params: its query parameters. An unknown page opens the
    default page, a tab the page lacks opens its first tab, and the settings are read as
    nnviz.session.settings.from_query reads them. Never raises.
    """
    problems: list[str] = []
    page = page_of(path)
    if page is None:
        page = DEFAULT_PAGE
        problems.append(f"Ignored the page {_shown(str(path).strip('/'))}: it opens {PAGE_TITLES[page]} instead.")
    place, tab_problems = place_of(page, params.get(TAB_PARAM))
    settings = {str(name): str(value) for name, value in params.items() if name not in PAGE_PARAMS}
    experiment, setting_problems = from_query(settings)
    return Address(place, experiment), problems + tab_problems + setting_problems
