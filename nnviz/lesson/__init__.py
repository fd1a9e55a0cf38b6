"""The lesson and the glossary: the lab's steps, its words, and guess-first."""
