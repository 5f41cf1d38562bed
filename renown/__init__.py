"""renown: social talent intelligence with explained network-prominence scores."""

__version__ = "0.1.0"

__all__ = ["__version__"]
