"""The shared filter pieces (povertyboard/filters.py) as the API's schema declares them."""

import pytest
from drf_spectacular.generators import SchemaGenerator

TYPES = {"string": str, "integer": int, "boolean": bool}


@pytest.fixture(scope="module")
def query_parameters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(f"{method.upper()} {path}", parameter) for path, operations in schema["paths"].items()
            for method, operation in operations.items()
            for parameter in operation.get("parameters", []) if parameter["in"] == "query"]


def test_enum_values_of_query_parameters_have_the_declared_type(query_parameters):
    """A yes/no filter is a string enum ("true" / "false"), not a boolean whose enum holds strings."""
    wrong = [(where, parameter["name"], value) for where, parameter in query_parameters
             for value in parameter["schema"].get("enum", [])
             if not isinstance(value, TYPES.get(parameter["schema"].get("type"), object))]
    assert not wrong, wrong


def test_every_query_parameter_has_a_description(query_parameters):
    missing = [(where, parameter["name"]) for where, parameter in query_parameters if not parameter.get("description")]
    assert not missing, missing


def test_yes_no_and_year_filters_declare_their_values(query_parameters):
    by_name = {(where, parameter["name"]): parameter["schema"] for where, parameter in query_parameters}
    for name in ("locked", "closed", "current", "is_poor"):
        schemas = [schema for (_, parameter), schema in by_name.items() if parameter == name]
        assert schemas and all(s == {"type": "string", "enum": ["false", "true"]} for s in schemas), (name, schemas)
    assert by_name[("GET /api/v1/assessment-periods/", "year")] == {"type": "integer", "minimum": 1900,
                                                                   "maximum": 2100}
    assert by_name[("GET /api/v1/attendance-reports/", "year")] == {"type": "integer", "minimum": 1,
                                                                   "maximum": 9999}
