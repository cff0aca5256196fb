"""The command groups of ``cur``, one module each."""
