"""A model's fingerprint: equal weights give equal fingerprints, any changed weight or setting another one."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from devkit.anatomy import random_network
from nnviz.model.fingerprint import fingerprint


def test_equal_weights_give_equal_fingerprints_whatever_the_label_or_memory_layout() -> None:
    network = random_network(seed=3)
    twin = copy.deepcopy(network)
    twin.label = "Another name"
    for layer in twin.layers:  # the same numbers in Fortran order: the digest reads values, not memory
        layer.weights = layer.weights.copy(order="F")
    assert fingerprint(twin) == fingerprint(network)
    assert len(fingerprint(network)) == 32 and int(fingerprint(network), 16) >= 0


def test_one_changed_weight_or_bias_gives_another_fingerprint() -> None:
    network = random_network(seed=3)
    seen = {fingerprint(network)}
    for index in range(len(network.layers)):
        for part in ("weights", "bias"):
            changed = copy.deepcopy(network)
            values = getattr(changed.layers[index], part)
            values.flat[-1] = np.nextafter(values.flat[-1], np.float32(np.inf))  # the smallest change there is
            seen.add(fingerprint(changed))
    assert len(seen) == 1 + 2 * len(network.layers)


def test_other_weights_or_another_configuration_give_another_fingerprint() -> None:
    network = random_network(seed=3)
    assert fingerprint(random_network(seed=4)) != fingerprint(network)
    other = copy.deepcopy(network)
    other.config = dataclasses.replace(network.config, activation="tanh")
    assert fingerprint(other) != fingerprint(network)
