"""Detection-quality harness: a seeded, labeled corpus scanned by piscan, scored per entity and category."""
