"""Sending what the outbox holds: alerts (outbox) and each channel's digests (digests)."""
