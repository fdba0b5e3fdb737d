"""The ceremony: run-sheets, certificates and the reveal on stage."""
