"""Spiders: they only parse. Everything done with what they find lives in crawler/pipelines.py."""
