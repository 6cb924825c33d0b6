"""mkto: Marketo's REST API error contract, made real on both sides of the wire."""

__version__ = "0.1.0"
