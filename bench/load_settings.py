"""Settings for bench/consent_load.py: Waarborg's, plus a bare view to compare with."""

from waarborg.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
DEBUG = False
