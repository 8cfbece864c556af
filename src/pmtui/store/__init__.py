"""Storage: the only layer that speaks SQL (connections, migrations, audit, queries)."""
