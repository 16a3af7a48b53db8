"""Alert rules, rendering, channels and delivery. May import parsers, never collector."""
