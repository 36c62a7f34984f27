"""Demo data: the seed's world (domain.md §6), loaded by `kvpt demo` and by `make run`."""
