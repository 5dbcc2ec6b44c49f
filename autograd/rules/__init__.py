"""The derivative table: every op's forward and its vector-Jacobian product, written once against a
space ``m`` (floats, arrays, or graph nodes for ``create_graph``), shared by ``Value`` and ``Tensor``."""
