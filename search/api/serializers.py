"""The search answer's shape, for the schema (the view builds it from search.selectors.Results)."""

from rest_framework import serializers


class HitSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField(help_text="Where it is and why it matched; IDs and phones masked for non-admins")
    url = serializers.CharField(help_text="Its page on the site; empty where it has none")


class GroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["households", "villages", "townships", "cadres", "helpers"])
    label = serializers.CharField()
    more = serializers.BooleanField(help_text="More rows matched than the limit")
    hits = HitSerializer(many=True)


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as the reader may see it (a whole ID or phone masked)")
    groups = GroupSerializer(many=True)
