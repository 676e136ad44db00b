"""The OpenAPI description of the death reports and linked series endpoints (api/deaths.py), merged
into the API's document by api/openapi.py."""
from __future__ import annotations

from debrief.api.openapi import (
    DATE_TIME, NULLABLE_STRING, PAGE_PARAMETERS, STRING, answer, enum, error, json_content, listing, operation,
    path_id, ref,
)
from debrief.models import ApparentCause, Classification, DeathSource, Indicator, LocationType, Sex, Substance
from debrief.services.deaths import MAX_SIMILAR

NUMBER = {"type": "number", "nullable": True}
CODES = {"type": "array", "items": STRING}


def schemas() -> dict:
    report_fields = {
        "source_reference": STRING, "reported_at": {**DATE_TIME, "nullable": True}, "found_at": DATE_TIME,
        "family_name": NULLABLE_STRING, "given_names": NULLABLE_STRING,
        "date_of_birth": {"type": "string", "format": "date", "nullable": True},
        "sex": {**enum(Sex), "nullable": True}, "nhs_number": NULLABLE_STRING, "latitude": NUMBER,
        "longitude": NUMBER, "location_type": {**enum(LocationType), "nullable": True},
        "apparent_cause": {**enum(ApparentCause), "nullable": True},
        "substances": {"type": "array", "items": enum(Substance)},
        "indicators": {"type": "array", "items": enum(Indicator)},
        "initial_classification": {**enum(Classification), "nullable": True}, "narrative": NULLABLE_STRING,
    }
    death_fields = {
        "id": {"type": "integer"}, "reference": {**STRING, "example": "DTH-2026-00042"},
        "found_at": {**DATE_TIME, "nullable": True}, "age": {"type": "integer", "nullable": True},
        "sex": {**enum(Sex), "nullable": True}, "location_type": {**enum(LocationType), "nullable": True},
        "apparent_cause": {**enum(ApparentCause), "nullable": True}, "substances": CODES, "indicators": CODES,
        "classification": {**enum(Classification), "nullable": True}, "latitude": NUMBER, "longitude": NUMBER,
        "area": {**NULLABLE_STRING, "description": "The map's grid square, like C4"},
    }
    return {
        "DeathReportImport": {"type": "object", "required": ["source", "reports"], "additionalProperties": False,
                              "properties": {"source": enum(DeathSource), "reports": {
                                  "type": "array", "items": {"type": "object", "description": "A report's fields, "
                                                             "as strings (coordinates may be numbers)"}}}},
        "DeathReportImportResult": {"type": "object", "required": ["imported", "updated", "rejected"], "properties": {
            "imported": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
            "rejected": {"type": "array", "items": {"type": "object", "properties": {
                "line": {"type": "integer"}, "source_reference": NULLABLE_STRING,
                "fields": {"type": "object", "additionalProperties": STRING}}}}}},
        "DeathAnalysis": {"type": "object", "properties": {
            "reports": {"type": "integer"}, "deaths": {"type": "integer"}, "candidate_series": {"type": "integer"},
            "new_series": {"type": "integer"}, "seconds": {"type": "number"}}},
        "DeathReport": {"type": "object", "properties": {"id": {"type": "integer"}, "source": enum(DeathSource),
                                                         **report_fields}},
        "Death": {"type": "object", "properties": {**death_fields, "reports": {"type": "array", "items": {
            "type": "object", "properties": {"source": enum(DeathSource), "source_reference": STRING}}}}},
        "DeathWithReports": {"type": "object", "properties": {**death_fields, "reports": {
            "type": "array", "items": ref("DeathReport")}}},
        "DeathList": listing("Death"),
        "SimilarDeaths": {"type": "object", "properties": {"items": {"type": "array", "items": {
            "type": "object", "properties": {"death": ref("Death"), "score": {"type": "number", "minimum": 0,
                                                                              "maximum": 1},
                                             "reasons": {"type": "array", "items": STRING}}}}}},
        "PossibleMatch": {"type": "object", "properties": {
            "id": {"type": "integer"}, "probability": {"type": "number"}, "reasons": {"type": "array", "items": STRING},
            "reports": {"type": "array", "items": ref("DeathReport")}}},
        "PossibleMatchList": listing("PossibleMatch"),
        "MatchDecision": {"type": "object", "required": ["reports", "decision"], "additionalProperties": False,
                          "properties": {"reports": {"type": "array", "items": {"type": "integer"}, "minItems": 2,
                                                     "maxItems": 2},
                                         "decision": enum(["same_person", "different_people"]), "note": STRING}},
        "MatchDecided": {"type": "object", "properties": {
            "reports": {"type": "array", "items": {"type": "integer"}}, "same_person": {"type": "boolean"}}},
        "LinkedSeries": {"type": "object", "properties": {
            "id": {"type": "integer"}, "reference": {**STRING, "example": "SER-2026-0003"},
            "status": enum(["candidate", "confirmed", "dismissed"]), "score": {"type": "number"},
            "death_ids": {"type": "array", "items": {"type": "integer"}}, "summary": STRING,
            "reasons": {"type": "array", "items": STRING}, "note": NULLABLE_STRING,
            "decided_at": {**DATE_TIME, "nullable": True}, "debrief_id": {"type": "integer", "nullable": True}}},
        "LinkedSeriesList": listing("LinkedSeries"),
        "SeriesDecision": {"type": "object", "required": ["decision", "note"], "additionalProperties": False,
                           "properties": {"decision": enum(["confirm", "dismiss"]), "note": STRING}},
    }


def paths() -> dict:
    not_found = error("No such record")
    invalid = error("validation_error: a field is wrong; `fields` says which and why")
    death_id = [path_id("death_id")]
    date_query = [{"name": name, "in": "query", "schema": {"type": "string", "format": "date"}}
                  for name in ("from", "to")]
    day = {"type": "string", "format": "date"}
    return {
        "/deaths/report.docx": {"get": operation(
        "deathsReport", "The analytical report on death investigations for a period, as a Word document marked "
                        "OFFICIAL-SENSITIVE (analysts and the board); it names no one", {
            "200": {"description": "The Word document, sent as an attachment",
                    "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                                {"schema": {"type": "string", "format": "binary"}}}},
            "422": error("validation_error: `from` or `to` is missing or wrong; `fields` says which and why")},
        parameters=[{"name": "from", "in": "query", "required": True, "schema": day,
                     "description": "The first day (London) of the period; deaths are counted by when they were found"},
                    {"name": "to", "in": "query", "required": True, "schema": day,
                     "description": "The last day (London) of the period, at most 10 years after `from`"}])},
        "/death-reports/import": {"post": {
            **operation("importDeathReports", "One source's extract of death reports (analyst, admin): good rows are "
                                              "kept, bad ones reported by line and field; a report already held is "
                                              "updated when it changed", {
                "200": answer("What was imported, updated and refused", ref("DeathReportImportResult")),
                "400": error("The body is neither a JSON object nor a form with a file"),
                "422": error("validation_error: not a CSV of this shape, or no source")}),
            "requestBody": {"required": True, "content": {
                **json_content(ref("DeathReportImport")),
                "multipart/form-data": {"schema": {"type": "object", "required": ["source", "file"], "properties": {
                    "source": enum(DeathSource), "file": {"type": "string", "format": "binary"}}}}}}}},
        "/death-reports/analyse": {"post": operation(
            "analyseDeaths", "Link reports of one person into one death and find linked series (analyst)", {
                "200": answer("What the analysis found", ref("DeathAnalysis"))})},
        "/death-reports/possible-matches": {"get": operation(
            "listPossibleMatches", "Pairs of reports the linkage is unsure are one person (analyst)", {
                "200": answer("A page of pairs, most likely first", ref("PossibleMatchList")), "422": invalid},
            parameters=PAGE_PARAMETERS)},
        "/death-reports/possible-matches/decision": {"post": operation(
            "decidePossibleMatch", "Two reports are, or are not, one person (analyst); it holds for every analysis", {
                "200": answer("The decision", ref("MatchDecided")), "404": not_found, "422": invalid},
            body="MatchDecision")},
        "/deaths": {"get": operation("listDeaths", "Deaths, the most recently found first (analyst, board)", {
            "200": answer("A page of deaths", ref("DeathList")), "422": invalid},
            parameters=[*date_query, {"name": "cause", "in": "query", "schema": enum(ApparentCause)},
                        {"name": "substance", "in": "query", "schema": enum(Substance)},
                        {"name": "classification", "in": "query", "schema": enum(Classification)},
                        {"name": "area", "in": "query", "schema": STRING}, *PAGE_PARAMETERS])},
        "/deaths/{death_id}": {"get": operation("getDeath", "One death with each report's fields", {
            "200": answer("The death", ref("DeathWithReports")), "404": not_found}, parameters=death_id)},
        "/deaths/{death_id}/similar": {"get": operation(
            "similarDeaths", "The deaths most like this one as a possible linked series, best first", {
                "200": answer("The similar deaths", ref("SimilarDeaths")), "404": not_found, "422": invalid},
            parameters=[*death_id, {"name": "limit", "in": "query", "schema": {
                "type": "integer", "minimum": 1, "maximum": MAX_SIMILAR, "default": 10}}])},
        "/linked-series": {"get": operation("listLinkedSeries", "Linked series, the strongest first", {
            "200": answer("A page of series", ref("LinkedSeriesList")), "422": invalid},
            parameters=[{"name": "status", "in": "query", "schema": enum(["candidate", "confirmed", "dismissed"])},
                        *PAGE_PARAMETERS])},
        "/linked-series/{series_id}": {"get": operation("getLinkedSeries", "One linked series", {
            "200": answer("The series", ref("LinkedSeries")), "404": not_found}, parameters=[path_id("series_id")])},
        "/linked-series/{series_id}/decision": {"post": operation(
            "decideLinkedSeries", "Confirm or dismiss a series, with a note (analyst)", {
                "200": answer("The series", ref("LinkedSeries")), "404": not_found,
                "409": error("invalid_transition: a series that opened a debrief stays confirmed"), "422": invalid},
            body="SeriesDecision", parameters=[path_id("series_id")])},
    }
