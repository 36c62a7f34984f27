"""Forms for preparation records; one module per kind (tasks, documents, works, budget)."""
