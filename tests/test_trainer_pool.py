"""The trainer pool: trainings run in `python -m nnviz.training.worker` processes, never in the server.

Real workers (TensorFlow, real MNIST, tiny settings) check what a class sees:
events in order, Stop, the queue, a killed worker, recycling, reproducibility.
Stand-in trainers (no TensorFlow, start in a fraction of a second) check the
failure paths a real trainer cannot be made to take on demand: a stuck worker,
missing data, a server that dies. Each real worker start costs ~5 s of
TensorFlow import, so real pools are module-scoped and shared.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from devkit.data_dir import PROJECT_ROOT
from nnviz.model.network import NetworkConfig
from nnviz.training import pool as trainer_pool
from nnviz.training.config import TrainingConfig
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent, QueuedEvent, StartedEvent
from nnviz.training.pool import TrainerPool, TrainingRun
from nnviz.training.protocol import ProtocolError, encode, read_frame

TINY_NET = NetworkConfig(hidden_sizes=(16,))
TINY_RUN = TrainingConfig(epochs=2, batch_size=64, train_size=1000, seed=3)
LONG_RUN = TrainingConfig(epochs=50, batch_size=32, seed=1)  # minutes: only ever stopped or killed
GUARD_S = 180.0  # only so a broken pool fails the test instead of hanging it; never a speed check
# Most tests here submit identical runs that must train separately, and wait on one run while others sit
# unpolled in line: no sharing, and no abandoning (the tests at the end check both on purpose).
SEPARATE_UNWATCHED = {"share_identical": False, "abandon_after_s": 3600.0}


def collect(run: TrainingRun, until: type | None = None) -> list:
    """Events until one of type `until` (default: the FinishedEvent)."""
    events: list = []
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        for event in run.wait(timeout=0.1):
            events.append(event)
            if until is not None and isinstance(event, until):
                return events
        if run.done:
            return events
    raise AssertionError(f"run {run.id} gave no {until or FinishedEvent} in {GUARD_S} s: {events[-3:]}")


def finished(events: list) -> FinishedEvent:
    assert isinstance(events[-1], FinishedEvent), events[-3:]
    assert sum(isinstance(e, FinishedEvent) for e in events) == 1
    return events[-1]


def process_gone(pid: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def worker_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


# ---------------------------------------------------------------- real workers


@pytest.fixture(scope="module")
def pool(mnist_dir: Path):
    env = worker_env(NNVIZ_DATA_DIR=str(mnist_dir))
    pool = TrainerPool(max_concurrent=2, runs_per_worker=100, warm_spares=1, env=env, **SEPARATE_UNWATCHED)
    assert pool.warm_up(wait_s=GUARD_S)
    yield pool
    pids = pool.worker_pids()
    pool.shutdown()
    assert all(process_gone(pid) for pid in pids)


def test_a_run_reports_started_losses_epochs_then_completed(pool: TrainerPool) -> None:
    run = pool.submit(TINY_NET, TINY_RUN)
    events = collect(run)

    assert isinstance(events[0], StartedEvent)
    done = finished(events)
    assert done.status == "completed", done.message
    assert run.done and run.status == "completed" and run.poll() == []
    batches = [e for e in events if isinstance(e, BatchEvent)]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert [e.epoch for e in epochs] == [1, 2]
    assert len(batches) >= 2 * 4  # several loss points per epoch
    seen = [b.samples_seen for b in batches]
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    # Every epoch's loss points come before its EpochEvent.
    order = [(e.epoch, isinstance(e, EpochEvent)) for e in events if isinstance(e, BatchEvent | EpochEvent)]
    assert order == sorted(order)
    assert [w.shape for w, _ in done.weights] == [(784, 16), (16, 10)]
    assert 0.5 < done.test_accuracy <= 1.0  # 1,000 images, 2 epochs: well above chance (0.1)


def test_stop_ends_a_run_early_and_keeps_its_weights(pool: TrainerPool) -> None:
    run = pool.submit(TINY_NET, LONG_RUN)
    events = collect(run, until=EpochEvent)
    run.stop()
    assert run.status == "stopping"
    events += collect(run)

    done = finished(events)
    assert done.status == "stopped", done.message
    assert done.epochs_done < LONG_RUN.epochs
    assert done.weights is not None and [w.shape for w, _ in done.weights] == [(784, 16), (16, 10)]
    assert all(np.isfinite(w).all() for w, _ in done.weights)


def test_a_killed_worker_fails_the_run_with_a_clear_message_and_the_pool_recovers(pool: TrainerPool) -> None:
    run = pool.submit(TINY_NET, LONG_RUN)
    collect(run, until=BatchEvent)
    killed = run.worker_pid
    os.kill(killed, signal.SIGKILL)
    done = finished(collect(run))

    assert done.status == "failed"
    assert done.weights is None  # nothing to adopt: the session keeps its previous model
    assert "stopped unexpectedly" in done.message and "previous model is kept" in done.message
    assert process_gone(killed) and killed not in pool.worker_pids()
    again = pool.submit(TINY_NET, TINY_RUN)
    assert finished(collect(again)).status == "completed"


def test_same_seed_gives_the_same_training_in_two_concurrent_workers(pool: TrainerPool) -> None:
    runs = [pool.submit(TINY_NET, TINY_RUN), pool.submit(TINY_NET, TINY_RUN)]
    results = [collect(run) for run in runs]

    assert runs[0].worker_pid != runs[1].worker_pid  # they really ran side by side, in two processes
    (epochs_a, done_a), (epochs_b, done_b) = (
        ([e for e in events if isinstance(e, EpochEvent)], finished(events)) for events in results
    )
    assert done_a.status == done_b.status == "completed"
    for a, b in zip(done_a.weights, done_b.weights, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert [e.val_loss for e in epochs_a] == [e.val_loss for e in epochs_b]
    # Training loss is summed per reporting chunk, and chunk sizes follow each process's speed.
    np.testing.assert_allclose([e.train_loss for e in epochs_a], [e.train_loss for e in epochs_b], rtol=1e-5)


@pytest.fixture(scope="module")
def single_pool(mnist_dir: Path):
    """One training at a time, a worker replaced after every two runs, no spare."""
    env = worker_env(NNVIZ_DATA_DIR=str(mnist_dir))
    pool = TrainerPool(max_concurrent=1, runs_per_worker=2, warm_spares=0, env=env, **SEPARATE_UNWATCHED)
    yield pool
    pool.shutdown()


def test_beyond_the_cap_a_run_waits_in_line_then_runs(single_pool: TrainerPool) -> None:
    first = single_pool.submit(TINY_NET, TINY_RUN)
    second = single_pool.submit(TINY_NET, TINY_RUN)
    assert second.status == "queued" and second.queue_position == 1
    assert second.poll() == [QueuedEvent(1)]

    assert finished(collect(first)).status == "completed"
    events = collect(second)
    assert isinstance(events[0], StartedEvent) and events[0].seconds_waited > 0
    assert finished(events).status == "completed"
    assert first.worker_pid == second.worker_pid  # the same warm process, its two runs used up


def test_a_worker_is_replaced_after_runs_per_worker_runs(single_pool: TrainerPool) -> None:
    used: list[int] = []
    for _ in range(3):
        run = single_pool.submit(TINY_NET, TINY_RUN)
        assert finished(collect(run)).status == "completed"
        used.append(run.worker_pid)

    # Two runs per worker, run one at a time: three runs span exactly two processes (the previous test, if it ran,
    # used up its worker, so this starts on a fresh one).
    assert len(set(used)) == 2
    retired = [pid for pid in set(used) if pid not in single_pool.worker_pids()]
    assert retired and all(process_gone(pid) for pid in retired)


# ---------------------------------------------------------- stand-in trainers

FAKE_TRAINERS = '''
import itertools
import os
import time

from nnviz.model.mnist import DataUnavailableError
from nnviz.training.events import BatchEvent, FinishedEvent


def load(data_dir=None):
    return "no images needed"


def load_nothing(data_dir=None):
    raise DataUnavailableError("MNIST could not be loaded: the folder is empty. Set NNVIZ_DATA_DIR to a folder.")


def steady(network_config, training_config, data, should_stop=lambda: False, time_limit_s=None):
    """A loss point every 20 ms until stopped; first some stdout chatter, as TensorFlow's C++ might write."""
    print("chatter from Python")
    os.write(1, b"chatter straight to file descriptor 1\\n")
    for step in itertools.count(1):
        if should_stop():
            yield FinishedEvent("stopped", 0, [], None, "stopped")
            return
        yield BatchEvent(1, step, 10**6, 32 * step, 1.0, 0.02 * step)
        time.sleep(0.02)


def short(network_config, training_config, data, should_stop=lambda: False, time_limit_s=None):
    """Five loss points then done: the same events for the same settings, like a real seeded run."""
    for step in range(1, 6):
        if should_stop():
            yield FinishedEvent("stopped", 0, [], None, "stopped")
            return
        yield BatchEvent(1, step, 5, 32 * step, 1.0 / step, 0.05 * step)
        time.sleep(0.05)
    yield FinishedEvent("completed", 1, [], 0.5, "done")


def stubborn(network_config, training_config, data, should_stop=lambda: False, time_limit_s=None):
    """One loss point, then stuck: ignores Stop and the time limit."""
    yield BatchEvent(1, 1, 100, 32, 2.3, 0.01)
    while True:
        time.sleep(1)
'''


@pytest.fixture(scope="module")
def fake_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fake_trainers")
    (folder / "nnviz_fake_trainers.py").write_text(FAKE_TRAINERS)
    return worker_env(PYTHONPATH=str(folder))


def fake_pool(env: dict[str, str], trainer: str, loader: str = "load", **settings) -> TrainerPool:
    """A pool of stand-in workers, by default with SEPARATE_UNWATCHED (override with `settings`)."""
    module = "nnviz_fake_trainers"
    args = ("--trainer", f"{module}:{trainer}", "--loader", f"{module}:{loader}", "--no-warm-up")
    return TrainerPool(env=env, worker_args=args, **{**SEPARATE_UNWATCHED, **settings})


def test_queue_positions_move_up_and_a_queued_run_can_be_stopped(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=1, warm_spares=0)
    try:
        running, second, third = (pool.submit(TINY_NET, TINY_RUN) for _ in range(3))
        assert [second.poll(), third.poll()] == [[QueuedEvent(1)], [QueuedEvent(2)]]
        second.stop()
        assert finished(second.poll()).status == "stopped" and second.done
        assert third.poll() == [QueuedEvent(1)]
        running.stop()
        assert finished(collect(running)).status == "stopped"
        assert isinstance(collect(third, until=StartedEvent)[-1], StartedEvent)
        third.stop()
        assert finished(collect(third)).status == "stopped"
    finally:
        pool.shutdown()


HEAVY_NET = NetworkConfig(hidden_sizes=(512, 512, 512, 512))
HEAVY_RUN = TrainingConfig(epochs=50, batch_size=8, seed=5)  # ~180x the default run: hours of a trainer


def test_heavy_runs_never_hold_every_trainer_so_a_default_run_starts_at_once(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=2, warm_spares=0)
    try:
        first_heavy = pool.submit(HEAVY_NET, HEAVY_RUN, owner="tab 1")
        second_heavy = pool.submit(HEAVY_NET, HEAVY_RUN, owner="tab 2")
        default = pool.submit(NetworkConfig(), TrainingConfig(), owner="classmate")
        # Decided inside submit: no waiting is needed to see who got a trainer.
        assert (first_heavy.status, second_heavy.status, default.status) == ("starting", "queued", "starting")
        assert second_heavy.poll() == [QueuedEvent(1)]
        first_heavy.stop()
        assert finished(collect(first_heavy)).status == "stopped"
        wait_started(second_heavy)  # the heavy lane is free again
        for run in (second_heavy, default):
            run.stop()
            collect(run)
    finally:
        pool.shutdown()


def test_a_teacher_sees_and_stops_only_their_own_rooms_students_on_a_shared_run(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=2, warm_spares=0, share_identical=True)
    try:
        ours = pool.submit(NetworkConfig(), TrainingConfig(epochs=40), owner="a", room="K7QM")
        theirs = pool.submit(NetworkConfig(), TrainingConfig(epochs=40), owner="b", room="ZZ42")  # the same run
        alone = pool.submit(HEAVY_NET, HEAVY_RUN, owner="c")  # a student on no board
        (listed,) = pool.queue(room="K7QM")
        assert listed.students == 1 and listed.other_rooms  # the other room's student is counted apart
        assert pool.queue(room="NONE") == [] and len(pool.queue()) == 2
        assert not pool.stop_training(listed.training_id, room="NONE")  # a teacher of another room cannot
        assert not pool.stop_training(pool.queue()[-1].training_id, room="K7QM")  # not its student's run
        wait_started(ours)
        assert pool.stop_training(listed.training_id, room="K7QM")
        done = finished(collect(ours))
        assert done.status == "stopped" and "Your teacher stopped this run" in done.message
        (kept,) = pool.queue(room="ZZ42")  # the other class trains on
        assert kept.training_id == listed.training_id and kept.students == 1 and not kept.other_rooms
        assert theirs.status in ("starting", "running")
        for run in (theirs, alone):
            run.stop()
            collect(run)
    finally:
        pool.shutdown()


def test_without_a_heavy_lane_heavy_runs_take_every_trainer(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=2, warm_spares=0, heavy_cost=None)
    try:
        runs = [pool.submit(HEAVY_NET, HEAVY_RUN, owner=n) for n in (1, 2)] + [
            pool.submit(NetworkConfig(), TrainingConfig())
        ]
        assert [run.status for run in runs] == ["starting", "starting", "queued"]  # what the lane prevents
    finally:
        pool.shutdown()


def test_the_teacher_sees_the_queue_and_stops_a_run_for_everyone_on_it(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=2, warm_spares=0, share_identical=True)
    try:
        heavy = pool.submit(HEAVY_NET, HEAVY_RUN, owner="a")
        waiting, same = (pool.submit(HEAVY_NET, TrainingConfig(epochs=40), owner=o) for o in ("b", "c"))
        default = pool.submit(NetworkConfig(), TrainingConfig(), owner="d")
        queue = pool.queue()
        assert [(q.position, q.heavy, q.students) for q in queue] == [(0, True, 1), (0, False, 1), (1, True, 2)]
        wait_started(heavy)
        assert pool.stop_training(queue[2].training_id)  # in line: both students on it are told
        for run in (waiting, same):
            done = finished(collect(run))
            assert done.status == "stopped" and "Your teacher stopped this run" in done.message
        assert pool.stop_training(queue[0].training_id)  # under way
        done = finished(collect(heavy))
        assert done.status == "stopped" and "Your teacher stopped this run" in done.message
        assert [q.training_id for q in pool.queue()] == [queue[1].training_id]
        assert not pool.stop_training(queue[0].training_id)  # gone already
        default.stop()
        collect(default)
    finally:
        pool.shutdown()


def test_a_run_with_its_own_shorter_limit_is_ended_at_it(
    fake_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer_pool, "LIMIT_GRACE_S", 0.5)
    pool = fake_pool(fake_env, "stubborn", warm_spares=0, time_limit_s=900.0)
    try:
        done = finished(collect(pool.submit(TINY_NET, TINY_RUN, time_limit_s=1.0)))
        assert done.status == "timeout" and "time limit of 1 seconds" in done.message
    finally:
        pool.shutdown()


def test_a_worker_that_ignores_stop_is_killed_and_the_run_ends_stopped(
    fake_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trainer_pool, "STOP_GRACE_S", 0.5)
    pool = fake_pool(fake_env, "stubborn", warm_spares=0)
    try:
        run = pool.submit(TINY_NET, TINY_RUN)
        collect(run, until=BatchEvent)
        pid = run.worker_pid
        run.stop()
        done = finished(collect(run))
        assert done.status == "stopped" and done.weights is None and "previous model is kept" in done.message
        assert process_gone(pid)
    finally:
        pool.shutdown()


def test_a_stuck_run_is_ended_at_the_time_limit(fake_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trainer_pool, "LIMIT_GRACE_S", 0.5)
    pool = fake_pool(fake_env, "stubborn", warm_spares=0, time_limit_s=1.0)
    try:
        done = finished(collect(pool.submit(TINY_NET, TINY_RUN)))
        assert done.status == "timeout" and done.weights is None and "time limit of 1 seconds" in done.message
    finally:
        pool.shutdown()


def test_missing_data_fails_runs_with_the_data_message(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", loader="load_nothing", warm_spares=1)
    try:
        assert pool.warm_up(wait_s=GUARD_S)  # the worker is up; it just has nothing to train on
        done = finished(collect(pool.submit(TINY_NET, TINY_RUN)))
        assert done.status == "failed" and done.weights is None
        assert "MNIST could not be loaded" in done.message and "NNVIZ_DATA_DIR" in done.message
    finally:
        pool.shutdown()


def test_shutdown_cancels_runs_and_ends_every_worker(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=1, warm_spares=1)
    running, waiting = pool.submit(TINY_NET, TINY_RUN), pool.submit(TINY_NET, TINY_RUN)
    collect(running, until=BatchEvent)
    pids = pool.worker_pids()
    pool.shutdown()

    assert finished(collect(running)).status == "failed"
    assert "shutting down" in finished(collect(waiting)).message
    assert all(process_gone(pid) for pid in pids)
    with pytest.raises(RuntimeError):
        pool.submit(TINY_NET, TINY_RUN)


def test_workers_exit_when_the_server_dies(fake_env: dict[str, str]) -> None:
    server = textwrap.dedent(
        """
        import os, sys
        from nnviz.training.pool import TrainerPool
        from nnviz.model.network import NetworkConfig
        from nnviz.training.config import TrainingConfig
        args = ("--trainer", "nnviz_fake_trainers:steady", "--loader", "nnviz_fake_trainers:load", "--no-warm-up")
        pool = TrainerPool(worker_args=args, warm_spares=1)
        run = pool.submit(NetworkConfig(), TrainingConfig())
        assert pool.warm_up(wait_s=60)
        print(*pool.worker_pids(), flush=True)
        os.kill(os.getpid(), 9)  # no atexit, no shutdown: as if the server crashed
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", server], env=fake_env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 2, done.stderr[-2000:]
    assert all(process_gone(pid) for pid in pids)


def test_bad_settings_are_refused_before_queueing(fake_env: dict[str, str]) -> None:
    pool = fake_pool(fake_env, "steady", warm_spares=0)
    try:
        with pytest.raises(ValueError, match="Epochs"):
            pool.submit(TINY_NET, TrainingConfig(epochs=0))
        assert pool.worker_pids() == []
    finally:
        pool.shutdown()


# ------------------------------------------------------------ server side only


def test_the_server_side_imports_no_tensorflow() -> None:
    script = (
        "import sys, nnviz.training.pool\n"
        "sys.exit(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_server_unpickles_events_but_nothing_that_would_import_tensorflow() -> None:
    import io
    import pickle

    event = FinishedEvent("completed", 1, [(np.ones((784, 3), np.float32), np.zeros(3, np.float32))], 0.9, "ok")
    kind, run_id, back, scalar = read_frame(io.BytesIO(encode(("event", 1, event, np.float32(1.5)))))
    assert (kind, run_id, back.status, back.test_accuracy, scalar) == ("event", 1, "completed", 0.9, np.float32(1.5))
    np.testing.assert_array_equal(back.weights[0][0], event.weights[0][0])

    # A pickle that names a TensorFlow global (as a pickled tensor would) is refused, not imported.
    payload = b"ctensorflow\nconstant\n."
    with pytest.raises(ProtocolError, match="tensorflow"):
        read_frame(io.BytesIO(len(payload).to_bytes(4, "big") + payload))
    assert pickle.loads(encode(("ok",))[4:]) == ("ok",)


# ---------------------------------------------- a class: sharing, one run per session, abandoned runs


def seeded(seed: int) -> TrainingConfig:
    return TrainingConfig(epochs=2, batch_size=64, train_size=1000, seed=seed)


def wait_started(run: TrainingRun) -> None:
    assert isinstance(collect(run, until=StartedEvent)[-1], StartedEvent)


def events_through(run: TrainingRun, kind: type) -> list:
    """Every event (none dropped) up to and including the whole poll that brought the first `kind`."""
    events: list = []
    deadline = time.monotonic() + GUARD_S
    while not any(isinstance(e, kind) for e in events):
        assert time.monotonic() < deadline, f"no {kind.__name__} in {GUARD_S} s: {events[-3:]}"
        events += run.poll()
        time.sleep(0.01)
    return events


def test_identical_requests_share_one_training_and_a_late_joiner_gets_the_whole_curve(
    fake_env: dict[str, str],
) -> None:
    pool = fake_pool(fake_env, "short", max_concurrent=1, warm_spares=0, share_identical=True)
    try:
        first = pool.submit(TINY_NET, TINY_RUN, owner="ada")
        first_events = events_through(first, BatchEvent)
        joiner = pool.submit(TINY_NET, TINY_RUN, owner="bob")
        other = pool.submit(TINY_NET, seeded(99), owner="cy")  # another seed: its own training, in line
        assert joiner.shares_training and not other.shares_training
        assert other.status == "queued" and other.queue_position == 1
        first_events += collect(first)
        joiner_events = collect(joiner)
        assert finished(first_events).status == finished(joiner_events).status == "completed"
        batches = [e for e in first_events if isinstance(e, BatchEvent)]
        assert len(batches) == 5 and [e for e in joiner_events if isinstance(e, BatchEvent)] == batches
        assert joiner.worker_pid == first.worker_pid
        assert finished(collect(other)).status == "completed"
    finally:
        pool.shutdown()


def test_a_session_has_at_most_one_run_and_its_newer_run_goes_to_the_back_of_the_line(
    fake_env: dict[str, str],
) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=1, warm_spares=0)
    try:
        running = pool.submit(TINY_NET, seeded(1), owner="ada")
        bob = pool.submit(TINY_NET, seeded(2), owner="bob")
        cy = pool.submit(TINY_NET, seeded(3), owner="cy")
        bob_again = pool.submit(TINY_NET, seeded(4), owner="bob")  # Bob presses Train again

        replaced = finished(bob.poll())
        assert replaced.status == "stopped" and replaced.message == trainer_pool.MESSAGES["replaced"]
        assert cy.poll()[-1] == QueuedEvent(1) and bob_again.poll()[-1] == QueuedEvent(2)

        running.stop()
        assert finished(collect(running)).status == "stopped"
        wait_started(cy)  # first come, first served: Cy was in line before Bob's second run
        assert bob_again.status == "queued" and bob_again.poll()[-1] == QueuedEvent(1)
        for run in (cy, bob_again):
            run.stop()
            assert finished(collect(run)).status == "stopped"
    finally:
        pool.shutdown()


def test_a_run_nobody_polls_is_abandoned_and_frees_its_trainer_while_a_polled_run_lives_on(
    fake_env: dict[str, str],
) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=1, warm_spares=0, abandon_after_s=1.0)
    try:
        gone = pool.submit(TINY_NET, seeded(1), owner="closed tab")
        wait_started(gone)
        waiting = pool.submit(TINY_NET, seeded(2), owner="still here")
        assert waiting.status == "queued"
        # Only the waiting session keeps polling (as every page does while its run is in progress).
        events = collect(waiting, until=StartedEvent)
        assert isinstance(events[-1], StartedEvent)
        abandoned = gone.result
        assert abandoned is not None and abandoned.status == "stopped"
        assert abandoned.message == trainer_pool.MESSAGES["abandoned"]
        assert waiting.result is None and waiting.status == "running"
        waiting.stop()
        assert finished(collect(waiting)).status == "stopped"
    finally:
        pool.shutdown()


def test_an_unpolled_run_is_kept_while_its_browser_is_connected_and_dropped_once_it_is_not(
    fake_env: dict[str, str],
) -> None:
    pool = fake_pool(fake_env, "steady", max_concurrent=1, warm_spares=0, abandon_after_s=0.5)
    connected = {"tab": True}  # a background tab: connected, but its timers (and so its polls) slowed down
    try:
        background = pool.submit(TINY_NET, seeded(1), owner="tab", still_connected=lambda: connected["tab"])
        wait_started(background)
        waiting = pool.submit(TINY_NET, seeded(2), owner="next")
        # Poll only the waiting run, long enough for the watchdog to look at the unpolled one many times.
        deadline = time.monotonic() + 3.0  # comfortably over abandon_after_s; not a speed check
        while time.monotonic() < deadline:
            waiting.poll()
            time.sleep(0.05)
        assert background.result is None and background.status == "running"
        connected["tab"] = False  # the tab is closed
        assert isinstance(collect(waiting, until=StartedEvent)[-1], StartedEvent)
        assert background.result is not None and background.result.message == trainer_pool.MESSAGES["abandoned"]
        waiting.stop()
        assert finished(collect(waiting)).status == "stopped"
    finally:
        pool.shutdown()
