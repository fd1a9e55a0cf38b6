"""The Network and Test pages' sentences (nnviz/lesson/captions.py, nnviz/explain/why.py) say what the numbers say.

Each sentence is built twice from contrary numbers (a model with and without hidden layers, a cell
with fewer or more digits than shown, a drawing or a stand-in), and each version is checked.
"""

from __future__ import annotations

import numpy as np

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.evaluation import evaluate, gallery_captions, others_table
from nnviz.explain.maps import gradient_times_input
from nnviz.explain.why import why_answer
from nnviz.lesson import captions
from nnviz.model.forward import forward_pass
from nnviz.model.network import NetworkConfig


def test_tiles_and_weight_sentences_name_the_right_layer() -> None:
    deep, flat = NetworkConfig(hidden_sizes=(128, 64)), NetworkConfig(hidden_sizes=())
    assert "one neuron of hidden layer 1:" in captions.tiles_caption(deep)
    assert "one neuron of output:" in captions.tiles_caption(flat)
    assert captions.weights_no_picture(deep, 2).startswith("A neuron of hidden layer 2 weighs the 128 neurons")
    assert captions.weights_no_picture(deep, 3).startswith("A neuron of the output weighs the 64 neurons")


def test_the_latent_map_caption_counts_and_places_the_star() -> None:
    config = NetworkConfig(hidden_sizes=(30, 20))
    with_star = captions.latent_caption(1980, config, 2, "this test digit")
    assert "one of 1,980 test digits" in with_star and "the 20 neurons of hidden layer 2" in with_star
    assert with_star.endswith("The black star is this test digit: it moves as you draw.")
    assert "star" not in captions.latent_caption(5, config, 1, None) and "the 30 neurons of hidden layer 1" in (
        captions.latent_caption(5, config, 1, None)
    )


def test_a_cell_says_how_many_of_its_digits_it_shows() -> None:
    assert captions.cell_title(4, 4) == "The 4s read right" and captions.cell_title(4, 9) == "The 4s read as 9"
    assert "(the 48 most confident of 120)" in captions.cell_caption(4, 9, 48, 120)
    assert "most confident" not in captions.cell_caption(4, 9, 7, 7)


def test_subset_and_preparation_sentences_follow_their_inputs() -> None:
    assert captions.subset_model((7, 8, 9)).startswith("This model only knows 7, 8, 9.")
    assert captions.subset_model((0, 1)).startswith("This model only knows 0, 1.")
    assert "ink of your drawing" in captions.preparation_caption(True)
    assert "stands in for a drawing" in captions.preparation_caption(False)
    assert captions.epochs_caption(3).startswith("How sure the network was that this is a 3,")


def test_gallery_captions_and_the_others_table_read_the_evaluation() -> None:
    network = random_network((16,), digits=(7, 8, 9), seed=1)
    rng = np.random.default_rng(0)
    images, labels = rng.uniform(0, 1, (60, 784)).astype(np.float32), rng.integers(0, 10, 60)
    evaluation = evaluate(network, images, labels)
    probabilities = forward_pass(network, images).probabilities
    for i, text in zip([0, 5], gallery_captions(evaluation, np.array([0, 5]), show_truth=True)):
        said = network.digits[int(probabilities[i].argmax())]
        assert text == f"{labels[i]}→{said} · {probabilities[i].max():.0%}"
    assert gallery_captions(evaluation, np.array([2]), show_truth=False)[0].count("→") == 0
    table = others_table(evaluation)
    assert table["true digit"] == [str(d) for d in range(7)]
    for digit in range(7):  # brute force: how often each unknown digit was forced into each known one
        said = [network.digits[int(p.argmax())] for p, y in zip(probabilities, labels) if y == digit]
        assert [table[f"read as {d}"][digit] for d in (7, 8, 9)] == [said.count(d) for d in (7, 8, 9)]


def test_why_names_the_winner_and_runner_up_the_network_chose() -> None:
    network = random_network((12,), seed=7)
    pixels = digit_like_input()
    probabilities = forward_pass(network, pixels).probabilities[0]
    winner, runner_up = (int(i) for i in np.argsort(-probabilities)[:2])
    answer = why_answer(network, pixels, "Your drawing.")
    assert answer.headline.startswith(f"The network says **{winner}** ({probabilities[winner]:.0%} sure)")
    assert f"its runner-up is **{runner_up}**" in answer.headline
    titles = [panel.title for panel in answer.panels]
    assert titles == ["The input", f"Pushing toward {winner}", "Covered up", f"Why {winner} rather than {runner_up}?"]
    np.testing.assert_allclose(answer.panels[1].values, gradient_times_input(network, pixels, winner))
    assert answer.panels[0].caption.endswith("Your drawing.") and answer.panels[0].values is None
