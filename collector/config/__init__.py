"""What the operator configures: settings (OWABI_* variables, .env, secret files), the
sources file and the rules file, each loaded with one-line errors naming file and key."""
