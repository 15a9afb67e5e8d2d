"""The one error type for bad input: it names the file, the field and what was expected."""

from __future__ import annotations


class GlassDataError(ValueError):
    """Bad input data or parameters.

    The message always reads ``{source}: field '{field}': {problem}`` so that a user can find
    the offending file and key without a traceback.
    """

    def __init__(self, source: object, field: str, problem: str):
        self.source = str(source)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.source}: field '{field}': {problem}")
