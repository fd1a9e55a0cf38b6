"""Inside the network, the numbers: diagram layout and edge choice, neuron breakdowns, tiles, top examples, PCA, epochs.

Every check compares against an independent oracle: brute-force enumeration of
edges, the forward pass itself, argsort, a covariance eigendecomposition.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_arrays, random_network
from nnviz.explain.features import fit_pca, latent_map, layer_activations, top_activating, weight_tiles
from nnviz.figures.diagram_layout import build_diagram, most_active, top_edges
from nnviz.model.forward import ACTIVATION_FUNCTIONS, forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.model.neuron import activation_curve, neuron_breakdown
from nnviz.model.snapshots import forward_at_epoch, network_at_epoch, probability_across_epochs

# --- neuron breakdown -----------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("hidden", [(), (40,), (64, 32, 16)])
def test_breakdown_adds_up_to_the_forward_pass(activation: str, hidden: tuple[int, ...]) -> None:
    network = random_network(hidden, activation, seed=len(hidden))
    forward = forward_pass(network, digit_like_input())
    for layer_index in range(1, len(network.layers) + 1):
        size = network.config.layer_sizes[layer_index]
        for neuron in sorted({0, size // 2, size - 1}):
            b = neuron_breakdown(network, forward, layer_index, neuron)
            z = float(forward.pre_activations[layer_index - 1][0, neuron])
            value = float(forward.activations[layer_index][0, neuron])
            assert sum(t.contribution for t in b.terms) + b.rest + b.bias == pytest.approx(z, abs=1e-5)
            assert b.total == pytest.approx(z, abs=1e-5)
            assert b.z == pytest.approx(z, abs=1e-7)
            assert b.value == pytest.approx(value, abs=1e-7)
            assert b.n_inputs == network.config.layer_sizes[layer_index - 1]
            assert b.bias == pytest.approx(float(network.layers[layer_index - 1].bias[neuron]))
            if b.is_output:
                # softmax of all outputs == sigmoid(z - log Σ_others e^z): the 1-D view the curve draws
                assert ACTIVATION_FUNCTIONS["sigmoid"](np.array([b.z - b.other_logsumexp]))[0] == pytest.approx(
                    value, abs=1e-6
                )
                assert b.digit == network.digits[neuron]
            else:
                assert ACTIVATION_FUNCTIONS[activation](np.array([b.z]))[0] == pytest.approx(value, abs=1e-6)


def test_breakdown_lists_the_largest_terms_with_their_numbers() -> None:
    network = random_network((30,), "tanh")
    x = digit_like_input(4)
    forward = forward_pass(network, x)
    b = neuron_breakdown(network, forward, 2, 3, n_terms=5)
    h = forward.activations[1][0].astype(np.float64)
    w = network.layers[1].weights[:, 3].astype(np.float64)
    oracle = sorted(range(30), key=lambda i: -abs(h[i] * w[i]))[:5]
    assert [t.source for t in b.terms] == oracle
    for t in b.terms:
        assert (t.x, t.w) == pytest.approx((h[t.source], w[t.source]))
        assert t.contribution == pytest.approx(h[t.source] * w[t.source])
        assert t.label == f"hidden 1 · neuron {t.source}"
    assert b.n_rest == 25
    assert b.rest == pytest.approx(sum(h[i] * w[i] for i in range(30) if i not in oracle))


def test_breakdown_of_first_layer_names_pixels_and_maps_digit_subsets() -> None:
    network = random_network((16,), digits=(7, 8, 9))
    forward = forward_pass(network, digit_like_input())
    first = neuron_breakdown(network, forward, 1, 0, n_terms=3)
    row, col = divmod(first.terms[0].source, 28)
    assert first.terms[0].label == f"pixel (row {row}, col {col})"
    out = neuron_breakdown(network, forward, 2, 1)
    assert out.digit == 8 and out.is_output and "softmax" in out.explanation().lower()


def test_breakdown_rejects_bad_indices_in_plain_words() -> None:
    network = random_network((8,))
    forward = forward_pass(network, digit_like_input())
    with pytest.raises(ValueError, match="Layer 3 does not exist"):
        neuron_breakdown(network, forward, 3, 0)
    with pytest.raises(ValueError, match="Neuron 8 does not exist"):
        neuron_breakdown(network, forward, 1, 8)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_activation_curve_passes_through_the_neurons_point(activation: str) -> None:
    network = random_network((12,), activation)
    forward = forward_pass(network, digit_like_input())
    for layer_index, neuron in [(1, 4), (2, 6)]:
        b = neuron_breakdown(network, forward, layer_index, neuron)
        grid, curve = activation_curve(b)
        assert grid.min() < b.z < grid.max()
        assert np.interp(b.z, grid, curve) == pytest.approx(b.value, abs=0.02)


# --- diagram layout and edge selection --------------------------------------------------------


def brute_force_edges(x: np.ndarray, weights: np.ndarray, sources, targets, k: int) -> list[tuple[int, int]]:
    edges = [(abs(float(x[s]) * float(weights[s, t])), s, t) for s in sources for t in targets]
    edges = [e for e in edges if e[0] > 0]
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    return [(s, t) for _, s, t in edges[:k]]


@pytest.mark.parametrize("k", [0, 1, 7, 50, 10_000])
def test_top_edges_match_brute_force(k: int) -> None:
    rng = np.random.default_rng(k)
    x = np.where(rng.random(40) < 0.3, 0.0, rng.random(40))  # blank inputs give w·x = 0: never kept
    weights = rng.normal(size=(40, 25))
    sources = np.sort(rng.choice(40, 30, replace=False))
    targets = np.sort(rng.choice(25, 12, replace=False))
    src, dst, available = top_edges(x, weights, sources, targets, k)
    assert list(zip(src.tolist(), dst.tolist())) == brute_force_edges(x, weights, sources, targets, k)
    assert available == 30 * 12


def test_top_edges_break_ties_by_lower_indices() -> None:
    x = np.ones(6)
    weights = np.array([[1, -2, 2], [2, 1, -1], [0, 2, 1], [1, 1, 1], [-2, 0, 0], [1, 2, 1]], dtype=float)
    src, dst, _ = top_edges(x, weights, np.arange(6), np.arange(3), 4)
    assert list(zip(src.tolist(), dst.tolist())) == brute_force_edges(x, weights, range(6), range(3), 4)
    assert list(zip(src.tolist(), dst.tolist())) == [(0, 1), (0, 2), (1, 0), (2, 1)]


def test_most_active_picks_largest_magnitudes_and_keeps_the_clicked_neuron() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=100)
    shown = most_active(values, 10)
    assert shown.tolist() == sorted(np.argsort(-np.abs(values), kind="stable")[:10].tolist())
    weakest = int(np.argmin(np.abs(values)))
    kept = most_active(values, 10, keep=[weakest])
    assert weakest in kept and kept.size == 10
    assert set(kept.tolist()) - {weakest} == set(np.argsort(-np.abs(values), kind="stable")[:9].tolist())
    assert most_active(values[:5], 10).tolist() == [0, 1, 2, 3, 4]


def test_diagram_samples_big_layers_and_keeps_exactly_the_strongest_edges() -> None:
    network = random_network((128, 20), "sigmoid")
    x = digit_like_input()
    forward = forward_pass(network, x)
    layout = build_diagram(network, forward, max_shown=32, edges_per_gap=40, keep={1: [0]})
    h1, h2, out = layout.layers[1], layout.layers[2], layout.layers[3]
    assert (h1.shown.size, h1.size, h1.caption) == (32, 128, "showing 32 of 128")
    assert 0 in h1.shown and h1.sampled
    assert not h2.sampled and h2.shown.size == 20 and h2.caption == "20 neurons"
    assert out.shown.tolist() == list(range(10))
    assert layout.winner == int(forward.probabilities[0].argmax())
    np.testing.assert_allclose(layout.image, x.reshape(28, 28))
    np.testing.assert_allclose(h1.values, forward.activations[1][0][h1.shown])

    for gap, edge_set in enumerate(layout.edges, start=1):
        source_layer, target_layer = layout.layers[gap - 1], layout.layers[gap]
        values = forward.activations[gap - 1][0]
        weights = network.layers[gap - 1].weights
        expected = brute_force_edges(values, weights, source_layer.shown, target_layer.shown, 40)
        assert list(zip(edge_set.source.tolist(), edge_set.target.tolist())) == expected
        np.testing.assert_allclose(
            edge_set.contribution, values[edge_set.source] * weights[edge_set.source, edge_set.target], rtol=1e-6
        )
        np.testing.assert_allclose(edge_set.weight, weights[edge_set.source, edge_set.target])
        # Edges start and end on the drawn nodes.
        for s, t, x0, y0, x1, y1 in zip(
            edge_set.source, edge_set.target, edge_set.x0, edge_set.y0, edge_set.x1, edge_set.y1
        ):
            si, ti = source_layer.position_of(int(s)), target_layer.position_of(int(t))
            assert (x0, y0, x1, y1) == (source_layer.x[si], source_layer.y[si], target_layer.x[ti], target_layer.y[ti])


def test_input_edges_start_at_their_pixel() -> None:
    network = random_network((10,))
    x = np.zeros(784, dtype=np.float32)
    x[[0, 27, 28 * 27]] = 1.0  # top-left, top-right, bottom-left pixels
    layout = build_diagram(network, forward_pass(network, x), edges_per_gap=1000)
    edges = layout.edges[0]
    assert set(edges.source.tolist()) == {0, 27, 28 * 27}
    xs = {int(s): (x0, y0) for s, x0, y0 in zip(edges.source, edges.x0, edges.y0)}
    assert xs[0][0] < xs[27][0] and xs[0][1] == xs[27][1]  # same row, left to right
    assert xs[28 * 27][1] < xs[0][1]  # the bottom row is lower


def test_weight_tiles_are_each_neurons_incoming_weights_as_an_image() -> None:
    network = random_network((24,))
    tiles = weight_tiles(network)
    weights = network.layers[0].weights
    assert tiles.shape == (24, 28, 28)
    for neuron, row, col in [(0, 0, 0), (5, 3, 17), (23, 27, 27)]:
        assert tiles[neuron, row, col] == weights[row * 28 + col, neuron]
    picked = weight_tiles(network, np.array([7, 2]))
    np.testing.assert_array_equal(picked[0], tiles[7])
    np.testing.assert_array_equal(picked[1], tiles[2])
    assert weight_tiles(random_network(())).shape == (10, 28, 28)  # no hidden layer: the outputs' weights


def test_top_activating_matches_argsort_oracle() -> None:
    network = random_network((32, 8), "tanh")
    rng = np.random.default_rng(5)
    images = rng.random((300, 784)).astype(np.float32) * (rng.random((300, 784)) < 0.2)
    acts = layer_activations(network, images, 2, batch_size=64)
    # Batches of 64 and of 300 may sum in another order in float32 (BLAS kernels differ by size): equal to ~1e-7.
    np.testing.assert_allclose(acts, forward_pass(network, images).activations[2], rtol=1e-6, atol=1e-6)
    for neuron in range(8):
        top = top_activating(acts, neuron)
        assert top.tolist() == np.argsort(-acts[:, neuron], kind="stable")[:9].tolist()
        assert np.all(np.diff(acts[top, neuron]) <= 0)
    assert top_activating(np.zeros((20, 3)), 1).tolist() == list(range(9))  # a dead neuron: ties by index
    assert top_activating(acts[:4], 0).size == 4


# --- PCA ------------------------------------------------------------------------------------


def test_pca_matches_covariance_eigendecomposition() -> None:
    rng = np.random.default_rng(11)
    data = rng.normal(size=(500, 6)) @ rng.normal(size=(6, 6)) + rng.normal(size=6)
    pca = fit_pca(data)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(data, rowvar=False))
    order = np.argsort(eigenvalues)[::-1]
    for i in range(2):
        v = eigenvectors[:, order[i]]
        assert abs(float(pca.components[i] @ v)) == pytest.approx(1.0, abs=1e-9)
        assert pca.explained[i] == pytest.approx(eigenvalues[order[i]] / eigenvalues.sum(), rel=1e-9)
    np.testing.assert_allclose(pca.mean, data.mean(axis=0))
    projected = pca.project(data)
    np.testing.assert_allclose(projected, (data - data.mean(axis=0)) @ pca.components.T)
    np.testing.assert_allclose(projected.var(axis=0, ddof=1), eigenvalues[order[:2]], rtol=1e-9)
    np.testing.assert_allclose(pca.project(data[3]), projected[3:4])


def test_pca_signs_are_stable_and_degenerate_layers_work() -> None:
    rng = np.random.default_rng(2)
    data = rng.normal(size=(50, 4))
    for row in fit_pca(data).components:
        assert row[np.argmax(np.abs(row))] > 0
    single = fit_pca(rng.normal(size=(30, 1)))  # a hidden layer of one neuron
    assert single.components.shape == (2, 1) and single.explained[0] == pytest.approx(1.0)
    assert np.all(single.project(np.ones((3, 1)))[:, 1] == 0)
    dead = fit_pca(np.zeros((40, 5)))  # every ReLU dead: no spread at all
    assert np.all(dead.explained == 0) and np.all(dead.project(np.zeros((2, 5))) == 0)
    with pytest.raises(ValueError):
        fit_pca(np.zeros((0, 3)))


def test_latent_map_on_real_digits_places_the_drawing_on_its_own_point(mnist) -> None:
    network = random_network((64, 32))
    latent = latent_map(network, mnist.x_test, mnist.y_test, layer_index=2, sample=2000)
    assert latent.points.shape == (2000, 2) and latent.labels.shape == (2000,)
    drawing = mnist.x_test[123]
    star = latent.pca.project(forward_pass(network, drawing).activations[2])
    np.testing.assert_allclose(star[0], latent.points[123], rtol=1e-5, atol=1e-6)


# --- snapshots ------------------------------------------------------------------------------


def make_snapshots(config: NetworkConfig, epochs: int) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    return [random_arrays(config, seed=100 + e) for e in range(epochs)]


def test_network_at_epoch_reproduces_the_snapshot() -> None:
    config = NetworkConfig(hidden_sizes=(20,), digits=(7, 8, 9))
    snapshots = make_snapshots(config, 3)
    x = digit_like_input()
    for epoch in (1, 2, 3):
        network = network_at_epoch(config, snapshots, epoch)
        for layer, (w, b) in zip(network.layers, snapshots[epoch - 1]):
            np.testing.assert_array_equal(layer.weights, w)
            np.testing.assert_array_equal(layer.bias, b)
        expected = forward_pass(Network.from_arrays(config, snapshots[epoch - 1]), x)
        np.testing.assert_array_equal(
            forward_at_epoch(config, snapshots, epoch, x).probabilities, expected.probabilities
        )
    with pytest.raises(ValueError, match="epochs 1 to 3"):
        network_at_epoch(config, snapshots, 4)
    with pytest.raises(ValueError, match="no saved epochs"):
        network_at_epoch(config, [], 1)


def test_probability_across_epochs_follows_the_final_guess() -> None:
    config = NetworkConfig(hidden_sizes=(16,), digits=(7, 8, 9))
    snapshots = make_snapshots(config, 4)
    x = digit_like_input(9)
    probs = np.stack([forward_pass(Network.from_arrays(config, s), x).probabilities[0] for s in snapshots])
    history = probability_across_epochs(config, snapshots, x)
    final = int(probs[-1].argmax())
    assert history.digit == config.digits[final]
    assert history.epochs.tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(history.probabilities, probs[:, final], rtol=1e-6)
    assert history.guesses.tolist() == [config.digits[i] for i in probs.argmax(axis=1)]
    chosen = probability_across_epochs(config, snapshots, x, digit=9)
    np.testing.assert_allclose(chosen.probabilities, probs[:, 2], rtol=1e-6)
    with pytest.raises(ValueError, match="does not know the digit 3"):
        probability_across_epochs(config, snapshots, x, digit=3)
