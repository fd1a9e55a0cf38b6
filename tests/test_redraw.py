"""No stampede: the pages of a class that saw one shared run end redraw spread over a few seconds."""

from __future__ import annotations

from nnviz.training.redraw import STAGGER_S, Redraw, redraw_delay, scheduled


def test_a_class_of_thirty_is_spread_over_the_whole_stagger() -> None:
    delays = sorted(redraw_delay(f"session-{n}") for n in range(30))
    assert all(0 <= d < STAGGER_S for d in delays)
    assert delays[0] < STAGGER_S / 4 and delays[-1] > 3 * STAGGER_S / 4  # not bunched at one end
    per_second = [sum(1 for d in delays if k <= d < k + 1) for k in range(int(STAGGER_S))]
    assert max(per_second) <= 15  # never half the class in the same second
    assert redraw_delay("session-7") == redraw_delay("session-7")


def test_a_scheduled_redraw_is_due_only_after_its_delay() -> None:
    now = [1000.0]
    pending = scheduled("session-7", clock=lambda: now[0])
    assert pending.due_at == 1000.0 + redraw_delay("session-7")
    now[0] = pending.due_at - 1e-6
    assert not pending.is_due(lambda: now[0])
    now[0] = pending.due_at
    assert pending.is_due(lambda: now[0])
    assert not Redraw().is_due(lambda: now[0])  # nothing pending
