"""The production settings (DEBUG=0 from the environment) with static files collected into a scratch directory.

`collectstatic` is needed because, with DEBUG off, templates resolve `{% static %}` through the manifest. The load
client requests no static files, so they are collected uncompressed (ManifestStaticFilesStorage: the same hashed
names as production's CompressedManifestStaticFilesStorage, without its slow gzip/brotli pass) into
$LOAD_STATIC_ROOT instead of the checkout's staticfiles/.
"""
import os

from povertyboard.settings import *  # noqa: F403
from povertyboard.settings import STORAGES

STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
