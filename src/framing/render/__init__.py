"""Renderers: one per output format, each reading the JSON-ready report dict."""
