"""The Board page, joining a room from the Train page, a shared experiment, and Compare runs, under AppTest.

AppTest runs every app in this process, so the student's and the teacher's AppTests share the
server's in-memory room store, as two browser tabs on one server would.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from devkit.app_kit import open_page, tiny_settings, wait_for_training
from devkit.app_state import concern, session_network
from nnviz.classroom.rooms import BoardEntry
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import PRESETS
from nnviz.session.state.board import BoardState
from nnviz.session.state.training import TrainingState
from pages.ui.resources import room_store

HOSTILE_NICKNAME = "**x** [a](//ev.il) <b>"


def new_board() -> tuple[AppTest, str]:
    board = open_page("pages/screens/board.py")
    board.button(key="board_new").click().run()
    assert not board.exception
    return board, board.query_params["room"]


def join(student: AppTest, code: str, nickname: str) -> AppTest:
    student.text_input(key="board_join_code").set_value(code)
    student.text_input(key="board_join_nickname").set_value(nickname)
    student.button(key="board_join").click().run()
    assert not student.exception
    return student


# st.dataframe is not a widget, so AppTest finds tables by position: the Board page shows the leaderboard,
# then who tried what; the Train page has one table, Compare runs'.


def shown_text(at: AppTest) -> str:
    """Everything the page rendered as markdown, captions, alerts and titles (where markup would be live)."""
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success, *at.title, *at.subheader]
    return " ".join(str(part.value) for part in parts)


def test_a_new_board_shows_its_code_and_only_its_creator_sees_the_teacher_key() -> None:
    board, code = new_board()
    assert len(code) == 4
    assert f"room `{code}`" in shown_text(board)
    join_link, key = [element.value for element in board.code]
    assert room_store().is_teacher(code, key)
    # Students scan the join link: the Train page with the room filled in, never a link to this machine only.
    assert join_link.endswith(f"/train?room={code}") and "localhost" not in join_link and "127.0.0.1" not in join_link
    assert len(board.get("image")) == 1  # its QR code
    # Someone else opening the same board sees the board and its join link but not the key.
    viewer = open_page("pages/screens/board.py", room=code)
    assert f"room `{code}`" in shown_text(viewer) and [c.value for c in viewer.code] == [join_link]
    student = open_page("pages/screens/train.py", room=code)
    assert student.text_input(key="board_join_code").value == code
    assert viewer.text_input(key="board_claim_key") is not None


def test_bad_and_unknown_room_codes_get_a_plain_message() -> None:
    bad = open_page("pages/screens/board.py", room="<b>0O")
    assert any("4 letters and digits" in e.value for e in bad.error)
    missing = open_page("pages/screens/board.py", room="AAAA")
    assert any("no open room AAAA" in e.value for e in missing.error)
    student = join(open_page("pages/screens/train.py"), "K7", "Ada")
    assert any("4 letters and digits" in e.value for e in student.error)
    assert concern(student, BoardState).membership is None


def test_a_students_run_is_posted_and_shown_as_plain_text_and_the_teacher_can_remove_it(trainer) -> None:
    board, code = new_board()
    student = join(open_page("pages/screens/train.py"), code.lower(), HOSTILE_NICKNAME)
    assert any(HOSTILE_NICKNAME in t.value for t in student.text)
    assert HOSTILE_NICKNAME not in shown_text(student)
    tiny_settings(student)
    student.button(key="train_start").click().run()
    wait_for_training(student)

    board.run()
    leaderboard = board.dataframe[0].value
    assert list(leaderboard["Nickname"]) == [HOSTILE_NICKNAME]
    assert list(leaderboard["Network"]) == ["784-16-10"] and list(leaderboard["Epochs"]) == [1]
    assert float(leaderboard["Accuracy"][0].rstrip("%")) > 10  # better than guessing, after 1 tiny epoch
    assert HOSTILE_NICKNAME not in shown_text(board)  # only in the table (and escaped in the scatter's hover)
    tried = board.dataframe[1].value
    assert list(tried["Activation"]) == ["ReLU"] and list(tried["Starting weights"]) == ["Glorot"]
    assert board.metric[0].value == "1" and board.metric[1].value == "1"

    (entry,) = room_store().room(code).entries
    board.selectbox(key="board_remove_pick").set_value(entry.entry_id)
    board.button(key="board_remove").click().run()
    assert not board.exception
    assert any("No runs yet" in i.value for i in board.info)


def test_the_teacher_shares_an_experiment_and_the_student_opens_it() -> None:
    board, code = new_board()
    student = join(open_page("pages/screens/train.py"), code, "Ada")
    student.switch_page("pages/screens/draw.py").run()
    assert not _has(student, "board_open_shared")  # nothing shared yet

    board.radio(key="board_share_pick").set_value("lab")
    board.button(key="board_share").click().run()
    assert any("Shared with the room" in s.value for s in board.success)

    student.run()  # the notice's fragment polls; here a rerun stands in for its timer (on the Draw page)
    assert any("Your teacher shared an experiment" in i.value for i in student.info)
    assert any(t.value == PRESETS["lab"].title for t in student.text)
    student.button(key="board_open_shared").click().run()
    assert not student.exception
    assert student.session_state["train_digits"] == [7, 8, 9]
    assert student.session_state["train_layers"] == 2 and student.session_state["train_size_1"] == 32
    assert not _has(student, "board_open_shared")  # opened once, the notice is gone

    board.radio(key="board_share_pick").set_value("link")
    board.run()
    board.text_input(key="board_share_link").set_value("http://x/train?layers=64&activation=tanh&epochs=99")
    board.button(key="board_share").click().run()
    # The link's text is escaped (the sentence is markdown): shown as typed, never a link.
    assert any(escape_markdown("Ignored epochs=99") in s.value for s in board.success)
    student.run()
    student.button(key="board_open_shared").click().run()
    assert student.session_state["train_activation"] == "tanh" and student.session_state["train_size_1"] == 64
    assert student.session_state["train_digits"] == list(range(10))  # the rest comes from the defaults


def _has(at: AppTest, key: str) -> bool:
    return any(button.key == key for button in at.button)


def test_a_full_room_is_explained_to_the_student(monkeypatch) -> None:
    from nnviz.classroom import rooms

    _, code = new_board()
    monkeypatch.setattr(rooms, "MAX_MEMBERS", 1)
    join(open_page("pages/screens/train.py"), code, "Ada")
    late = join(open_page("pages/screens/train.py"), code, "Bob")
    assert any("This room is full" in e.value for e in late.error)


def test_the_board_polls_gently_and_redraws_only_when_the_room_changed() -> None:
    board, code = new_board()
    store = room_store()
    drawn = concern(board, BoardState).drawn
    board.run()
    assert concern(board, BoardState).drawn == drawn
    member = store.join(code, "Cy")
    store.post_entry(code, member, BoardEntry("784-10", "ReLU", "He", 7_850, 1, 0.8, 1.0))
    board.run()
    assert concern(board, BoardState).drawn == (code, drawn[1] + 2)
    assert list(board.dataframe[0].value["Nickname"]) == ["Cy"]


@pytest.fixture
def two_runs(trainer) -> AppTest:
    train = open_page("pages/screens/train.py")
    tiny_settings(train)
    train.button(key="train_start").click().run()
    wait_for_training(train)
    train.segmented_control(key="train_activation").set_value("sigmoid").run()
    train.button(key="train_start").click().run()
    return wait_for_training(train)


def test_compare_runs_overlays_tables_and_switches_the_model(two_runs: AppTest) -> None:
    at = two_runs
    table = at.dataframe[0].value
    rows = {row["Setting"]: row for _, row in table.iterrows()}
    assert rows["Activation"]["Run 1"] == "relu" and rows["Activation"]["Run 2"] == "sigmoid"
    assert rows["Activation"][""] == "◆ differs" and rows["Epochs"][""] == ""
    assert rows["Weights and biases"]["Run 1"] == "12,730"
    assert concern(at, TrainingState).active_run == 2
    assert session_network(at).config.activation == "sigmoid"

    assert at.radio(key="compare_pick").value == 2
    at.radio(key="compare_pick").set_value(1).run()
    assert concern(at, TrainingState).active_run == 1
    assert session_network(at).config.activation == "relu"
    assert session_network(at) is concern(at, TrainingState).kept_runs[0].model

    at.pills(key="compare_shown").set_value([2]).run()
    assert not at.exception
    assert list(at.dataframe[0].value.columns) == ["Setting", "", "Run 2"]
    at.run()  # the hidden run stays hidden on the next rerun
    assert at.pills(key="compare_shown").value == [2]
