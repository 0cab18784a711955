"""One settings object, passed to whatever needs it (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BASE_IRI = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Settings:
    # Every IRI the graph mints starts with this; a deployment sets its public base
    # so that linked-data links resolve there.
    base_iri: str = DEFAULT_BASE_IRI
    # At ingest: materialise OWL RL entailments into {base}graph/{doc}/inferred, and
    # validate the document against shapes/ into {base}graph/{doc}/validation.
    reason: bool = True
    validate: bool = True

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base_iri!r}")
