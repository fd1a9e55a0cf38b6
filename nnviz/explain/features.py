"""What hidden neurons look for: weight tiles, the test digits that excite a neuron most, and PCA maps.

- `weight_tiles`: a first-layer neuron's 784 incoming weights laid out as the 28×28
  image they multiply: positive where ink raises the neuron, negative where it lowers it.
- `top_activating`: the test images with the highest value of one hidden neuron.
- `fit_pca` / `Pca.project`: a 2-D map of a hidden layer's activations (plain numpy
  SVD), fitted once on ~2,000 test digits; new inputs (the drawing) are projected
  onto the same map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.model.forward import OVERFLOW_MESSAGE, forward_pass
from nnviz.model.network import IMAGE_SIDE, Network

PCA_SAMPLE = 2000


def weight_tiles(network: Network, neurons: np.ndarray | None = None) -> np.ndarray:
    """(n, 28, 28) incoming weights of the first weight layer's neurons, as images.

    That layer is the first hidden layer (or the output layer if there are no hidden
    layers). tiles[j, r, c] is the weight from pixel (r, c) to neuron neurons[j]
    (all neurons when `neurons` is None).
    """
    weights = network.layers[0].weights  # (784, n_out)
    chosen = weights if neurons is None else weights[:, np.asarray(neurons, dtype=np.int64)]
    return np.ascontiguousarray(chosen.T).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def layer_activations(network: Network, images: np.ndarray, layer_index: int, batch_size: int = 2048) -> np.ndarray:
    """(n, size) activations of layer `layer_index` (0 = input, 1 = hidden_1, ...) for images (n, 784) in 0..1."""
    n_layers = len(network.config.layer_sizes)
    if not 0 <= layer_index < n_layers:
        raise ValueError(f"Layer {layer_index} does not exist: pick 0 to {n_layers - 1}.")
    images = np.asarray(images, dtype=np.float32).reshape(-1, network.config.layer_sizes[0])
    parts = [
        forward_pass(network, images[i : i + batch_size]).activations[layer_index]
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, network.config.layer_sizes[layer_index]), np.float32)


def top_activating(activations: np.ndarray, neuron: int, k: int = 9) -> np.ndarray:
    """(min(k, n),) indices of the images with the highest value of `neuron`, highest first.

    activations: (n, size) a layer's activations for n images (see `layer_activations`).
    Ties keep the lower image index first.
    """
    column = np.asarray(activations)[:, neuron]
    return np.argsort(-column, kind="stable")[:k]


@dataclass(frozen=True)
class Pca:
    """A 2-D principal-component map of some activations.

    mean: (d,) the fitted activations' mean. components: (2, d) unit directions of
    largest spread, each signed so its largest-magnitude entry is positive (so the map
    does not flip between reruns). explained: (2,) fraction of the total variance along
    each direction (0..1; zeros when the activations do not vary at all).
    """

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray

    def project(self, activations: np.ndarray) -> np.ndarray:
        """(n, 2) map coordinates of activations (n, d) or (d,) (one point gives (1, 2))."""
        points = np.atleast_2d(np.asarray(activations, dtype=np.float64))
        return (points - self.mean) @ self.components.T


def fit_pca(activations: np.ndarray) -> Pca:
    """Fit a 2-D PCA to activations (n, d) with numpy's SVD.

    Works for any d >= 1 and n >= 1: missing directions (d = 1, or fewer than three
    samples) are zero vectors, whose coordinate is always 0.
    """
    data = np.asarray(activations, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] == 0:
        raise ValueError("PCA needs a 2-D array with at least one row of activations.")
    mean = data.mean(axis=0)
    centred = data - mean
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    components = np.zeros((2, data.shape[1]))
    explained = np.zeros(2)
    found = min(2, vt.shape[0])
    components[:found] = vt[:found]
    total = float((singular**2).sum())
    if total > 0:
        explained[:found] = singular[:found] ** 2 / total
    for row in components:
        peak = np.argmax(np.abs(row))
        if row[peak] < 0:
            row *= -1
    return Pca(mean=mean, components=components, explained=explained)


@dataclass(frozen=True)
class LatentMap:
    """A hidden layer's PCA map for many test digits.

    layer_index: the mapped layer (1 = hidden_1). pca: the fitted map. points: (n, 2)
    the digits' map coordinates. labels: (n,) their true digits.
    """

    layer_index: int
    pca: Pca
    points: np.ndarray
    labels: np.ndarray


def latent_map(
    network: Network, images: np.ndarray, labels: np.ndarray, layer_index: int, sample: int = PCA_SAMPLE
) -> LatentMap:
    """Fit the PCA map of layer `layer_index` on the first `sample` images (n, 784) and place them.

    Raises ValueError (OVERFLOW_MESSAGE) when the model's values overflow to inf or NaN.
    Cache the result per (model, layer): it costs a forward pass of `sample` images
    and one SVD (~20 ms for 2,000 × 128). Project the drawing with
    `latent.pca.project(forward.activations[layer_index])`.
    """
    images = np.asarray(images)[:sample]
    acts = layer_activations(network, images, layer_index)
    if not np.isfinite(acts).all():
        raise ValueError(OVERFLOW_MESSAGE)
    pca = fit_pca(acts)
    return LatentMap(layer_index=layer_index, pca=pca, points=pca.project(acts), labels=np.asarray(labels)[:sample])


def known_test_digits(network: Network, y_test: np.ndarray) -> np.ndarray:
    """Indices of the test digits this model knows: a 7/8/9 model only sees 7s, 8s and 9s."""
    return np.flatnonzero(np.isin(y_test, network.digits))


def top_examples(
    network: Network, x_test: np.ndarray, y_test: np.ndarray, layer_index: int, k: int = 9
) -> tuple[np.ndarray, np.ndarray]:
    """For every neuron of `layer_index`, the k known test digits that excite it most, highest first.

    Returns (k, size) test-set indices and (k, size) the neuron's values for them.
    """
    known = known_test_digits(network, y_test)
    activations = layer_activations(network, x_test[known], layer_index)
    order = np.stack([top_activating(activations, n, k) for n in range(activations.shape[1])], axis=1)
    return known[order], np.take_along_axis(activations, order, axis=0)


def known_latent_map(network: Network, x_test: np.ndarray, y_test: np.ndarray, layer_index: int) -> LatentMap:
    """`latent_map` of the test digits this model knows."""
    known = known_test_digits(network, y_test)
    return latent_map(network, x_test[known], y_test[known], layer_index)
