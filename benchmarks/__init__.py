"""Benchmarks of packgen: `make bench` (= `python -m benchmarks.run`); see benchmarks/README.md."""
