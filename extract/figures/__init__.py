"""Candidate figures by rules: numerals, units, labels, kinds and the finder that ties them."""
