"""Fields and base serializers that keep the API's answers quick to write: a list of hundreds of
actions names a borough, a plan, an objective, owners and drivers on every row."""

import copy

from rest_framework import serializers
from rest_framework.reverse import reverse

PLACEHOLDER = 987654321987654321  # an id no object has, put in a URL reversed once


def url_template(view_name, request, *, kwarg="pk", format=None):
    """The absolute URL of ``view_name`` for the object whose ``kwarg`` is ``PLACEHOLDER``:
    reversed once, then ``fill``-ed with each object's id (the same URL as reversing it)."""
    return reverse(view_name, kwargs={kwarg: PLACEHOLDER}, request=request, format=format)


def fill(template, value):
    """``template`` (from ``url_template``) with ``value`` in the placeholder's place."""
    return template.replace(str(PLACEHOLDER), str(value), 1)


class IdentityURLField(serializers.HyperlinkedIdentityField):
    """``HyperlinkedIdentityField`` that reverses its route once per response, not once per row:
    the URL of a placeholder id, with each object's id put in its place (same URLs)."""

    def get_url(self, obj, view_name, request, format):
        value = getattr(obj, self.lookup_field, None)
        if type(value) is not int:
            return super().get_url(obj, view_name, request, format)
        cached = getattr(self, "_url_template", None)
        if cached is None or cached[0] is not request or cached[1] != (view_name, format):
            template = url_template(view_name, request, kwarg=self.lookup_url_kwarg, format=format)
            cached = self._url_template = (request, (view_name, format), template)
        return fill(cached[2], value)


PLAIN_FIELDS = (serializers.CharField, serializers.SlugField, serializers.IntegerField)


class KeptFields:
    """A ModelSerializer whose fields are built from its model once per class and copied for
    each use (``get_fields``): DRF builds them from the model's fields, validators and relations
    on every serializer made, once per nested serializer of every answer. The fields depend on
    the class alone (none of ours builds them from the request), and a copy is what DRF hands
    each serializer anyway (its declared fields are deep-copied)."""

    def get_fields(self):
        kept = type(self).__dict__.get("_kept_fields")
        if kept is None:
            kept = super().get_fields()
            type(self)._kept_fields = kept
        return copy.deepcopy(kept)


class PrefetchedList(serializers.ListSerializer):
    """A list of references read from ``<field>_prefetched`` when the view put them there
    (``refs.attach_refs``: a plain list, without a queryset per object), else from the relation
    as usual."""

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"{self.field_name}_prefetched", None)
        return prefetched if prefetched is not None else super().get_attribute(instance)


# A reference to a related object. When every field is a text or a number read from the
# attribute of its name (what DRF would write as the value itself, or null), the answer is read
# straight from the object, not field by field: the same JSON, a fraction of the time in a list
# of hundreds of actions. (A comment, not a docstring: the API's schema would show a docstring
# as the description of every reference.)
class RefSerializer(KeptFields, serializers.ModelSerializer):
    def plain_names(self):
        names = self.__dict__.get("_plain_names")
        if names is None:
            fields = self.fields
            plain = all(type(f) in PLAIN_FIELDS and f.source == name for name, f in fields.items())
            names = self._plain_names = tuple(fields) if plain else ()
        return names

    def to_representation(self, instance):
        names = self.plain_names()
        if not names:
            return super().to_representation(instance)
        return {name: getattr(instance, name) for name in names}
