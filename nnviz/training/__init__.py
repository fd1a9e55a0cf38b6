"""Training and the trainer pool: Keras runs in worker processes, the server only talks to them."""
