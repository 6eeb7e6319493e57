"""The fuzzing stage: Schemathesis generates requests from the spec, the seed's rules judge the
answers (`stage` drives it; `schema`, `cases`, `checks`, `findings`, `evidence` do one job each)."""
