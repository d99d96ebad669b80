"""The only package that speaks HTTP to Canvas.

Everything above it (services, views) sees typed records and typed errors, never `requests`.
"""
