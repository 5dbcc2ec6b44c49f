"""NumPy routines with no graph: the error function, im2col windows, NumPy's error state."""
