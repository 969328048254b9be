"""Validate JSON against the schemas of an OpenAPI 3.0 document (the LINE specs in tests/specs).

jsonschema knows nothing of OpenAPI's `discriminator`, and LINE's polymorphic types (a message, an
action, a Flex component, a webhook event) are written as `allOf: [$ref Base, {...}]` under a base
that carries the discriminator. Validated naively, a message would only be checked against the base
(`type` is a string). So the schemas are rewritten once:

- a base with a discriminator becomes a dispatcher: the instance is validated against the schema
  its `type` names (an unknown type is an error), through the custom `discriminator` keyword;
- each subtype's `allOf` points to a copy of the base without the discriminator (`Base__base`), so
  dispatching does not loop.
"""

from __future__ import annotations

import copy
import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, ValidationError, validators

REF = "#/components/schemas/"


def _discriminator(validator, discriminator, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    prop = discriminator["propertyName"]
    value = instance.get(prop)
    target = discriminator.get("mapping", {}).get(value) if isinstance(value, str) else None
    if target is None:
        known = ", ".join(sorted(discriminator.get("mapping", {})))
        yield ValidationError(f"{prop}={value!r} is not one of the known types ({known})")
        return
    yield from validator.descend(instance, {"$ref": target})


OpenAPIValidator = validators.extend(Draft4Validator, {"discriminator": _discriminator})


def _rewrite(schemas: dict[str, Any]) -> dict[str, Any]:
    schemas = copy.deepcopy(schemas)
    bases = {name for name, s in schemas.items() if isinstance(s, dict) and "discriminator" in s}
    for name in bases:
        base = {k: v for k, v in schemas[name].items() if k != "discriminator"}
        schemas[f"{name}__base"] = base

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            if "allOf" in node:
                node["allOf"] = [
                    {"$ref": part["$ref"] + "__base"}
                    if isinstance(part, dict) and part.get("$ref", "").removeprefix(REF) in bases
                    else fix(part)
                    for part in node["allOf"]
                ]
            for key, value in node.items():
                if key != "allOf":
                    fix(value)
        elif isinstance(node, list):
            for item in node:
                fix(item)
        return node

    for name, schema in list(schemas.items()):
        if not name.endswith("__base"):
            fix(schema)
    return schemas


class OpenAPI:
    """One OpenAPI document: its operations by method and path, and schema validation."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open(encoding="utf-8") as fh:
            self.doc = yaml.safe_load(fh)
        self.schemas = _rewrite(self.doc.get("components", {}).get("schemas", {}))
        self._root = {"components": {"schemas": self.schemas}}
        self._validators: dict[str, Any] = {}

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], str, dict]]:
        routes = []
        for template, item in self.doc.get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            routes.append((re.compile(f"^{pattern}$"), template, item))
        # A literal path (`/richmenu/list`) wins over a template (`/richmenu/{richMenuId}`).
        routes.sort(key=lambda r: r[1].count("{"))
        return routes

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        """(path template, operation) for a request, or None when the API has no such operation."""
        for pattern, template, item in self._routes:
            if pattern.match(path):
                op = item.get(method.lower())
                if op is not None:
                    return template, op
        return None

    def request_schema(self, op: dict) -> tuple[str, dict] | None:
        """(media type, schema) of an operation's request body, or None."""
        content = op.get("requestBody", {}).get("content", {})
        for media, spec in content.items():
            return media, spec.get("schema", {})
        return None

    def validator(self, schema: dict) -> Any:
        key = repr(schema)
        if key not in self._validators:
            root = {**schema, **self._root} if "$ref" not in schema else {"allOf": [schema], **self._root}
            self._validators[key] = OpenAPIValidator(root)
        return self._validators[key]

    def errors(self, schema: dict | str, instance: Any) -> list[str]:
        """Every violation of `schema` (a schema or a component name), as readable lines."""
        if isinstance(schema, str):
            schema = {"$ref": REF + schema}
        found = sorted(self.validator(schema).iter_errors(instance),
                       key=lambda e: list(map(str, e.absolute_path)))
        lines = (f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {_short(e)}" for e in found)
        return list(dict.fromkeys(lines))


def _short(error: ValidationError, limit: int = 160) -> str:
    """The error's message, or for a long instance the rule it breaks (e.g. `maxItems 5`)."""
    if len(error.message) <= limit:
        return error.message
    return f"{repr(error.instance)[:60]}… breaks {error.validator} {error.validator_value!r}"


@cache
def load(path: Path) -> OpenAPI:
    """One parsed document per process (parsing the Messaging API's YAML takes most of a second)."""
    return OpenAPI(path)
