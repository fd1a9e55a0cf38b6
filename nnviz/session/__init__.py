"""The session: every setting of an experiment, the address bar, and untrusted text made plain."""
