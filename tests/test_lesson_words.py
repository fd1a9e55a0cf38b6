"""The Lesson page's words: the glossary search and the intro's count of steps, checked against brute force."""

from __future__ import annotations

import re

import pytest

from nnviz.lesson.glossary import TERMS, find_terms
from nnviz.lesson.steps import LESSON_INTRO, STEP_COUNT, STEPS, step_label


@pytest.mark.parametrize("wanted", ["bias", "  BiAs ", "weight", "", "zzz-no-such-word", "LEARNING RATE"])
def test_the_glossary_search_finds_exactly_the_terms_that_hold_the_word_sorted_by_name(wanted: str) -> None:
    needle = wanted.strip().casefold()
    expected = sorted(
        (term for term in TERMS.values() if needle in f"{term.name}\n{term.text}".casefold()),
        key=lambda t: t.name.lower(),
    )
    assert find_terms(wanted) == expected


def test_the_glossary_search_finds_all_terms_for_nothing_and_none_for_a_word_nowhere() -> None:
    assert len(find_terms("   ")) == len(TERMS) and find_terms("qwxz") == []
    assert find_terms("Bias") == find_terms("bias") and "Bias" in {term.name for term in find_terms("bias")}


def test_the_lesson_intro_states_the_true_number_of_steps() -> None:
    numbers = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
    said = re.search(r"in (\w+) short steps", LESSON_INTRO).group(1)
    assert numbers.get(said, int(said) if said.isdigit() else None) == STEP_COUNT


def test_each_step_is_named_by_its_number_and_its_own_title() -> None:
    labels = [step_label(number) for number in range(1, STEP_COUNT + 1)]
    assert labels == [f"{number} · {step.title}" for number, step in enumerate(STEPS, start=1)]
    assert len(set(labels)) == STEP_COUNT
