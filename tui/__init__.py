"""eiscope: the k9s of Edge Impulse."""

__version__ = "0.1.0"
