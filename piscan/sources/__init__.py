"""Sources: targets -> locations -> sampled records."""
