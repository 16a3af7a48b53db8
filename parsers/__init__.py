"""Pure parsing: bytes or text in, schema objects out. No I/O, no logging, no httpx."""
