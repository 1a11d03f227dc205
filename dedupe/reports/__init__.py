"""Reports of what the engine and the store found: tables, CSV and JSON, HTML, and pair explanations."""
