"""A model's fingerprint: a digest of its configuration and weights, the key of what is computed once per model."""

from __future__ import annotations

import hashlib

import numpy as np

from nnviz.model.network import Network


def fingerprint(network: Network) -> str:
    """32 hex digits: equal configuration and weights (bit for bit), equal fingerprint; the label does not count."""
    digest = hashlib.blake2b(network.config.to_json().encode(), digest_size=16)
    for weights, bias in network.arrays():
        digest.update(np.ascontiguousarray(weights).data)
        digest.update(np.ascontiguousarray(bias).data)
    return digest.hexdigest()
