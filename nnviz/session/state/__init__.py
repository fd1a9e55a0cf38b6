"""A session's state: one frozen dataclass per concern, with its transitions as pure functions.

Each module holds one concern (input, training, learn, test, board, view). A transition takes the
current value and returns the next one; nothing here imports streamlit, so unit tests call the
transitions directly. pages/ui/state.py is the only code that keeps these values between reruns.
"""
