"""Reporters render a finished ScanResult; they never compute findings."""
