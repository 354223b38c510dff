"""The JSON Schema of the org format, generated from the models so it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from podcheck.model import SUPPORTED_VERSIONS, OrgFile

SCHEMA_ID = "urn:podcheck:org-format:1"


def org_schema() -> dict[str, Any]:
    schema = OrgFile.model_json_schema(mode="validation")
    schema["properties"]["version"] = {
        "title": "Version",
        "description": "Format version of the file.",
        "enum": list(SUPPORTED_VERSIONS),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "podcheck org-design file, format version 1",
        **schema,
    }


def render() -> str:
    return json.dumps(org_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
