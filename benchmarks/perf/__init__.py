"""piscan's performance benchmark (issue 6): seeded PostgreSQL data, scans, read limit, Presidio baseline."""
