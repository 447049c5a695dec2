"""The table behind povertyboard/once.py: form tokens and Idempotency-Keys already used, with their answers."""
