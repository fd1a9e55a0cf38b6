"""Widgets and glue that several pages share."""
