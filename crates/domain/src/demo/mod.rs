//! Deterministic demo data: a realistic township generated from a seed.
