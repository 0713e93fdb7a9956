"""Detectors turn sampled values and column metadata into detections."""
