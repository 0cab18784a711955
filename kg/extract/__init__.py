"""Extractors: tables and prose -> typed records (``kg.records``)."""
