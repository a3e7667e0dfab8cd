"""Crawling ad sites with Scrapy and extracting what links ads (phones, emails, places, images).

Not built yet: see the crawler issue. Its output is the observation format of graph/observation.schema.json.
"""
