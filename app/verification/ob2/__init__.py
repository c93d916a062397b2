"""Open Badges 0.5 / 1.x / 2.0: hosted and signed assertions, checked against the issuer."""
