"""The rewritten captions on their pages (AppTest): computed from the model on show, not fixed."""

from __future__ import annotations

import numpy as np

from devkit.app_kit import open_page
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass


def test_the_test_page_names_the_confusion_matrix_and_its_biggest_mistake(mnist) -> None:
    at = open_page("pages/screens/test.py")
    said = forward_pass(load_default_network(), mnist.x_test).probabilities.argmax(axis=1)
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (mnist.y_test, said), 1)  # brute force, independent of nnviz.explain.evaluation
    np.fill_diagonal(counts, 0)
    true, wrong = np.unravel_index(counts.argmax(), counts.shape)
    text = " ".join(caption.value for caption in at.caption)
    assert "**Confusion matrix.**" in text
    assert f"the biggest is a true {true} read as {wrong} ({counts[true, wrong]:,} images)" in text
