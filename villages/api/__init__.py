"""The villages app's REST API: serializers, viewsets and the routes povertyboard/api/urls.py registers."""
