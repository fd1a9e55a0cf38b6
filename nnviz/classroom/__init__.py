"""The classroom: class-board rooms, the leaderboard, and the class's own drawings."""
