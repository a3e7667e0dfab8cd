"""The demo classifieds site: a small local Flask app serving generated, fictional ads.

The crawler is tested, demonstrated and benchmarked against it. `corpus` generates the
ads (pure and deterministic by seed), `hard` the opt-in profile of hard cases for network
formation (`generate(ads, seed, profile="hard")`), `text` writes their wording and disguised
phone numbers, `images` draws their pictures, `app` serves them, `server` runs the app on
loopback, `cli` is `adgraph demosite`. The site moves through numbered cycles (ads
appear, are edited, are removed) and publishes its hidden ground truth at
/_admin/truth.json so tests can score what the crawler found.

Every phone number is fictional (NANP NXX-555-0100..0199), every email address is at
example.com/.org/.net, and the pictures are abstract: shapes and gradients, never people,
except the public-domain NASA astronaut portrait scikit-image ships (crawler/demosite/images.py).
"""

from crawler.demosite.app import create_app, demo_site
from crawler.demosite.corpus import Corpus, generate
from crawler.demosite.server import serve, serve_in_thread

__all__ = ["Corpus", "create_app", "demo_site", "generate", "serve", "serve_in_thread"]
