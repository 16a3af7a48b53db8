"""What owabi knows, in the shapes other tools read: JSON, STIX 2.1, a MISP feed."""
