"""Landing contracts per source, row validation with quarantine, and pseudonymization of personal data."""
