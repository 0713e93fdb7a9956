"""piscan: checks a privacy policy's declared data categories against what systems hold."""

__version__ = "0.1.0"
