"""Vigil client: standard library only, Python >= 3.9."""
from .client import Vigil, VigilError

__all__ = ["Vigil", "VigilError"]
__version__ = "0.1.0"
