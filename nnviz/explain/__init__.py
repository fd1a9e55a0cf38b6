"""Explanations: why the network answered, what neurons look for, how good and how wrong it is."""
