"""The build's one error type: its message is one line naming the file, the entry and the field or cell."""


class BuildError(Exception):
    """A problem in the project's inputs; str() is the line the user sees."""
