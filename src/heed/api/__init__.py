"""The HTTP API (django-ninja): thin endpoints over the same services as the pages."""
