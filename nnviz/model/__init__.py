"""The network and its maths: weights, the forward pass, backprop, MNIST preparation (numpy only)."""
