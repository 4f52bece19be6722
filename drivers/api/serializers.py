from rest_framework import serializers

from ..models import Driver, Framework, Measure


class DriverInFrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Driver
        fields = ["slug", "name"]


class FrameworkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:framework-detail", lookup_field="slug")
    drivers = DriverInFrameworkSerializer(many=True)
    questions = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Framework
        fields = ["url", "slug", "name", "description", "source", "questions", "drivers"]


class FrameworkRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["slug", "name"]


class DriverSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:driver-detail", lookup_field="slug")
    framework = FrameworkRefSerializer()
    questions = serializers.ListField(child=serializers.CharField())
    measures = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Driver
        fields = ["url", "slug", "name", "framework", "description", "questions", "measures"]


class MeasureSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:measure-detail", lookup_field="slug")
    drivers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = ["url", "slug", "name", "wording", "unit", "source", "is_outcome", "drivers"]
