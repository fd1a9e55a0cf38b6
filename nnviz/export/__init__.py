"""Code to take home: the Keras script and notebook of an experiment."""
