"""The API's documentation page, made from its OpenAPI schema on the server: plain HTML with
Waarborg's own stylesheet, no script and nothing loaded from elsewhere (ninja's own docs page
loads Swagger UI from a CDN, which would tell a third party who reads the documentation)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema):
    """A field's type in a few words: "string", "list of string", "PartiesIn or null"."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(part) for part in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_of(schema.get('items'))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'])}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def _allowed(schema):
    values = schema.get("enum") or []
    for part in schema.get("anyOf", []):
        values = values or part.get("enum") or []
    if "const" in schema:
        values = [schema["const"]]
    return ", ".join(str(value) for value in values)


def _properties(schema):
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_of(field),
            "required": name in required,
            "allowed": _allowed(field),
            "description": field.get("description", ""),
            "limit": field.get("maxLength")
            or next((p["maxLength"] for p in field.get("anyOf", []) if "maxLength" in p), ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _operations(schema):
    groups = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            body = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            entry = {
                "id": operation.get("operationId", f"{method}-{path}"),
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "required": p.get("required", False),
                        "type": type_of(p.get("schema")),
                        "allowed": _allowed(p.get("schema", {})),
                    }
                    for p in operation.get("parameters", [])
                ],
                "body": type_of(body) if body else "",
                "responses": [
                    {
                        "status": status,
                        "description": answer.get("description", ""),
                        "type": type_of(
                            answer.get("content", {}).get("application/json", {}).get("schema")
                        )
                        if answer.get("content")
                        else "",
                    }
                    for status, answer in sorted(
                        operation.get("responses", {}).items(), key=lambda item: str(item[0])
                    )
                ],
            }
            tag = (operation.get("tags") or ["api"])[0]
            groups.setdefault(tag, []).append(entry)
    return sorted(groups.items())


@require_GET
def docs(request):
    from waarborg.api.api import api

    schema = api.get_openapi_schema(path_prefix=request.path.rsplit("docs", 1)[0])
    components = schema.get("components", {}).get("schemas", {})
    return render(
        request,
        "api/docs.html",
        {
            "info": schema.get("info", {}),
            "groups": _operations(schema),
            "models": [(name, _properties(model)) for name, model in sorted(components.items())],
        },
    )
