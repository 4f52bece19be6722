"""A real OpenID Connect provider for the tests: django-oauth-toolkit in a Django project of its
own, run as a second process on loopback with its own SQLite file and an RS256 key made at test
start (fixture.py). Never part of TrustPlan itself."""
