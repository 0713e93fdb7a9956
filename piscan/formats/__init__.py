"""File formats read into rows of fields: one module per family, chosen by dispatch.read_any."""
