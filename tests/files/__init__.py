"""Tests of the file source: formats, locations, bad input, workers."""
