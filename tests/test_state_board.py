"""The session's board concern, sharing an experiment, and the board's tables: pure, against a real room store."""

from __future__ import annotations

import pytest

from nnviz.classroom import actions
from nnviz.classroom.board import leaderboard, tried_what
from nnviz.classroom.rooms import BoardEntry, InMemoryRoomStore
from nnviz.classroom.sharing import LINK_CHOICE, chosen_experiment, opened_experiment, share_choices, share_query
from nnviz.figures.board import leaderboard_table, tried_table
from nnviz.model.network import NetworkConfig
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import PRESETS, Experiment, ViewConfig, to_query
from nnviz.session.state import board
from nnviz.session.state.board import BoardState, Membership
from nnviz.training.config import TrainingConfig
from nnviz.training.events import FinishedEvent
from nnviz.training.history import TrainingHistory


@pytest.fixture
def store() -> InMemoryRoomStore:
    return InMemoryRoomStore()


def test_joining_and_leaving_a_room(store: InMemoryRoomStore) -> None:
    code, _ = store.create_room()
    state = board.with_message(BoardState(), "join_error", "That room code is wrong.")
    member = Membership(code, store.join(code, "Ada"), "Ada")
    state = board.joined(state, member)
    assert state.membership == member and state.join_error is None
    assert board.left(state).membership is None


def test_teacher_keys_are_kept_per_board_and_only_for_the_boards_opened_here(store: InMemoryRoomStore) -> None:
    first, first_key = store.create_room()
    second, second_key = store.create_room()
    state = board.with_teacher_key(board.with_teacher_key(BoardState(), first, first_key), second, second_key)
    assert board.teacher_key(state, first) == first_key and store.is_teacher(first, board.teacher_key(state, first))
    assert board.teacher_key(state, second) == second_key
    assert board.teacher_key(BoardState(), first) is None
    replaced = board.with_teacher_key(state, first, "other")
    assert board.teacher_key(replaced, first) == "other" and len(replaced.teacher_keys) == 2


def test_the_board_redraws_only_when_the_rooms_version_changed(store: InMemoryRoomStore) -> None:
    code, _ = store.create_room()
    state = BoardState()
    assert board.needs_redraw(state, code, store.version(code))
    state = board.with_drawn(state, code, store.version(code))
    assert not board.needs_redraw(state, code, store.version(code))
    member = store.join(code, "Cy")
    store.post_entry(code, member, BoardEntry("784-10", "ReLU", "He", 7_850, 1, 0.8, 1.0))
    assert board.needs_redraw(state, code, store.version(code))
    assert board.needs_redraw(state, "ZZZZ", store.version(code))  # another board


def test_a_shared_experiment_is_offered_until_opened_or_dismissed_and_a_new_one_again(
    store: InMemoryRoomStore,
) -> None:
    code, key = store.create_room()
    state = board.joined(BoardState(), Membership(code, store.join(code, "Ada"), "Ada"))
    version = store.version(code)
    assert board.needs_room_read(state, code, version)
    state = board.with_watched(state, code, version, store.room(code).shared)
    assert board.unseen_shared(state) is None  # nothing shared yet
    assert not board.needs_room_read(state, code, version)

    store.share_experiment(code, key, share_query(PRESETS["lab"].experiment), PRESETS["lab"].title)
    version = store.version(code)
    assert board.needs_room_read(state, code, version)
    state = board.with_watched(state, code, version, store.room(code).shared)
    shared = board.unseen_shared(state)
    assert shared is not None and shared.title == PRESETS["lab"].title
    state = board.with_seen_shared(state, code, shared.shared_id)
    assert board.unseen_shared(state) is None

    store.share_experiment(code, key, {"epochs": "3"}, "Three epochs")
    state = board.with_watched(state, code, store.version(code), store.room(code).shared)
    assert board.unseen_shared(state).title == "Three epochs"
    assert board.unseen_shared(board.left(state)) is None  # a student who left is offered nothing


def test_board_messages_are_shown_once_and_unknown_kinds_refused() -> None:
    state = board.with_message(BoardState(), "board_done", "Removed that run from the board.")
    state, text = board.take_message(state, "board_done")
    assert text == "Removed that run from the board." and board.take_message(state, "board_done")[1] is None
    with pytest.raises(ValueError):
        board.with_message(state, "board_don", "typo")


def test_the_teacher_shares_a_preset_or_the_settings_of_a_link() -> None:
    assert set(share_choices()) == {*PRESETS, LINK_CHOICE}
    exp, title, problems = chosen_experiment("lab", "")
    assert exp == PRESETS["lab"].experiment and title == PRESETS["lab"].title and problems == []
    exp, title, problems = chosen_experiment(LINK_CHOICE, "http://x/train?layers=64&activation=tanh&epochs=99")
    assert exp.network.hidden_sizes == (64,) and exp.network.activation == "tanh"
    assert exp.training.epochs == Experiment().training.epochs and any("epochs=99" in p for p in problems)
    exp, _, problems = chosen_experiment(LINK_CHOICE, "   ")
    assert exp is None and problems


def test_a_shared_experiment_carries_no_view_and_opens_with_the_students_own() -> None:
    teacher = Experiment(PRESETS["lab"].experiment.network, view=ViewConfig(presenter=True, lesson_step=5))
    query = share_query(teacher)
    assert "present" not in query and "step" not in query and query == to_query(Experiment(teacher.network))
    mine = ViewConfig(guess_first=True)
    opened = opened_experiment(query, Experiment(view=mine))
    assert opened.network == teacher.network and opened.view == mine
    # Settings the teacher did not share come from the defaults, not from what the student had before.
    before = Experiment(training=TrainingConfig(epochs=9))
    assert opened_experiment(query, before).training == Experiment().training


def test_the_board_tables_show_each_students_best_and_each_mix_tried(store: InMemoryRoomStore) -> None:
    code, _ = store.create_room()
    ada, bob = store.join(code, "Ada"), store.join(code, "Bob")
    store.post_entry(code, ada, BoardEntry("784-10", "ReLU", "He", 7_850, 1, 0.81, 1.0))
    store.post_entry(code, ada, BoardEntry("784-32-10", "ReLU", "He", 25_450, 2, 0.93, 2.04))
    store.post_entry(code, bob, BoardEntry("784-10", "Sigmoid", "Zeros", 7_850, 1, 0.42, 0.5))
    entries = store.room(code).entries
    table = leaderboard_table(leaderboard(entries))
    assert [row["Nickname"] for row in table] == ["Ada", "Bob"]
    assert table[0] == {
        "Task": "not recorded",  # posted without a task
        "#": 1,
        "Nickname": "Ada",
        "Accuracy": "93.0%",
        "Network": "784-32-10",
        "Weights": "25,450",
        "Epochs": 2,
        "Seconds": 2.0,
        "Runs": 2,
    }
    tried = {(row["Activation"], row["Starting weights"]): row for row in tried_table(tried_what(entries))}
    assert tried["ReLU", "He"]["Runs"] == 2 and tried["ReLU", "He"]["Average"] == "87.0%"
    assert tried["Sigmoid", "Zeros"]["Students"] == 1 and tried["Sigmoid", "Zeros"]["Best"] == "42.0%"


def test_a_teacher_opens_a_board_and_unlocks_it_elsewhere_only_with_its_key(store: InMemoryRoomStore) -> None:
    teacher, code = actions.open_board(BoardState(), store)
    key = board.teacher_key(teacher, code)
    assert store.is_teacher(code, key)
    other = actions.claim_board(BoardState(), store, code, "wrong")
    assert board.teacher_key(other, code) is None and other.board_error == actions.NOT_THE_KEY
    other = actions.claim_board(other, store, code, f"  {key} ")
    assert board.teacher_key(other, code) == key
    missing = actions.claim_board(BoardState(), store, "AAAA", key)
    assert "no open room AAAA" in missing.board_error


def test_the_teacher_removes_a_run_and_shares_an_experiment(store: InMemoryRoomStore) -> None:
    teacher, code = actions.open_board(BoardState(), store)
    member = store.join(code, "Ada")
    entry_id = store.post_entry(code, member, BoardEntry("784-10", "ReLU", "He", 7_850, 1, 0.8, 1.0))
    assert actions.remove_run(BoardState(), store, code, entry_id) == BoardState()  # not the teacher here
    teacher = actions.remove_run(teacher, store, code, entry_id)
    assert teacher.board_done == actions.REMOVED and store.room(code).entries == ()
    teacher = actions.share(teacher, store, code, LINK_CHOICE, "http://x/train?layers=64&epochs=99")
    assert teacher.board_done.startswith(actions.SHARED) and escape_markdown("epochs=99") in teacher.board_done
    assert store.room(code).shared.query == {"layers": "64"}
    refused = actions.share(teacher, store, code, LINK_CHOICE, "")
    assert refused.board_error and store.room(code).shared.query == {"layers": "64"}


def test_a_student_joins_with_any_spelling_of_the_code_and_a_bad_one_is_explained(store: InMemoryRoomStore) -> None:
    code, _ = store.create_room()
    student = actions.join(BoardState(), store, f" {code.lower()} ", "Ada")
    assert student.membership.code == code and student.membership.nickname == "Ada"
    assert store.room(code).members == 1
    bad = actions.join(BoardState(), store, "K7", "Ada")
    assert bad.membership is None and "4 letters and digits" in bad.join_error


def test_a_finished_run_is_posted_to_the_joined_room_and_a_failure_is_said(store: InMemoryRoomStore) -> None:
    code, _ = store.create_room()
    history = TrainingHistory(NetworkConfig(hidden_sizes=(16,)), TrainingConfig(epochs=1))
    history.add(FinishedEvent("completed", 1, None, 0.875, "done"))
    assert actions.post_run(BoardState(), store, history) == BoardState()  # in no room: nothing posted
    student = actions.join(BoardState(), store, code, "Ada")
    assert actions.post_run(student, store, history) == student
    (entry,) = store.room(code).entries
    assert (entry.nickname, entry.architecture, entry.test_accuracy) == ("Ada", "784-16-10", 0.875)
    gone = actions.post_run(board.joined(student, Membership("ZZZZ", "m1", "Ada")), store, history)
    assert gone.notice.startswith("Your run was not posted to the class board")


def test_watching_a_room_reads_it_only_when_it_changed(store: InMemoryRoomStore) -> None:
    code, key = store.create_room()
    student = actions.watch_room(actions.join(BoardState(), store, code, "Ada"), store)
    assert actions.watch_room(student, store) is student
    store.share_experiment(code, key, {"epochs": "3"}, "Three epochs")
    assert board.unseen_shared(actions.watch_room(student, store)).title == "Three epochs"
    assert actions.watch_room(BoardState(), store) == BoardState()
