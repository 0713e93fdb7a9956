"""piscan: checks a privacy policy's declared data categories against what systems hold."""

__version__ = "0.2.0"  # 0.2: JSON schema 2.0, SARIF physical locations, report pairs
