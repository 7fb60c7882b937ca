"""Calibration of the chip's analog parameters (algorithms, measurements, one routine
per parameter). The routines arrive with the chip model; see the issues."""
