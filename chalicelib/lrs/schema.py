"""The statement data model as tables (xAPI 1.0.3 Data §2.4, §4; IEEE 9274.1.1 §2.4).

Each object kind maps its allowed properties to a :class:`Prop` (value type, required flag,
versions it exists in). :mod:`chalicelib.lrs.validation` walks statements with these tables
and holds no rules of its own beyond the few cross-property checks the spec states in prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

V1 = "1.0.3"
V2 = "2.0.0"
BOTH = frozenset({V1, V2})
ONLY_V2 = frozenset({V2})


@dataclass(frozen=True)
class Prop:
    kind: str
    required: bool = False
    versions: frozenset[str] = BOTH


#: Statement (Data §2.4). ``stored``/``authority`` may be sent; the LRS overwrites them.
STATEMENT: dict[str, Prop] = {
    "id": Prop("uuid"),
    "actor": Prop("actor", required=True),
    "verb": Prop("verb", required=True),
    "object": Prop("object", required=True),
    "result": Prop("result"),
    "context": Prop("context"),
    "timestamp": Prop("timestamp"),
    "stored": Prop("timestamp"),
    "authority": Prop("authority"),
    "version": Prop("version"),
    "attachments": Prop("attachments"),
}

#: SubStatement (Data §2.4.4.3): a statement without id, stored, version, authority.
SUB_STATEMENT: dict[str, Prop] = {
    "objectType": Prop("const:SubStatement", required=True),
    "actor": Prop("actor", required=True),
    "verb": Prop("verb", required=True),
    "object": Prop("sub_object", required=True),
    "result": Prop("result"),
    "context": Prop("context"),
    "timestamp": Prop("timestamp"),
    "attachments": Prop("attachments"),
}

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

AGENT: dict[str, Prop] = {
    "objectType": Prop("const:Agent"),
    "name": Prop("string"),
    "mbox": Prop("mbox"),
    "mbox_sha1sum": Prop("sha1"),
    "openid": Prop("iri"),
    "account": Prop("account"),
}

GROUP: dict[str, Prop] = {
    "objectType": Prop("const:Group", required=True),
    "name": Prop("string"),
    "member": Prop("members"),
    "mbox": Prop("mbox"),
    "mbox_sha1sum": Prop("sha1"),
    "openid": Prop("iri"),
    "account": Prop("account"),
}

ACCOUNT: dict[str, Prop] = {
    "homePage": Prop("iri", required=True),
    "name": Prop("string", required=True),
}

VERB: dict[str, Prop] = {
    "id": Prop("iri", required=True),
    "display": Prop("langmap"),
}

ACTIVITY: dict[str, Prop] = {
    "objectType": Prop("const:Activity"),
    "id": Prop("iri", required=True),
    "definition": Prop("definition"),
}

DEFINITION: dict[str, Prop] = {
    "name": Prop("langmap"),
    "description": Prop("langmap"),
    "type": Prop("iri"),
    "moreInfo": Prop("iri"),
    "extensions": Prop("extensions"),
    "interactionType": Prop("interaction_type"),
    "correctResponsesPattern": Prop("strings"),
    "choices": Prop("components"),
    "scale": Prop("components"),
    "source": Prop("components"),
    "target": Prop("components"),
    "steps": Prop("components"),
}

COMPONENT: dict[str, Prop] = {
    "id": Prop("string", required=True),
    "description": Prop("langmap"),
}

#: Data §2.4.4.1, "Interaction Activities".
INTERACTION_TYPES = frozenset({
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",
})

STATEMENT_REF: dict[str, Prop] = {
    "objectType": Prop("const:StatementRef", required=True),
    "id": Prop("uuid", required=True),
}

RESULT: dict[str, Prop] = {
    "score": Prop("score"),
    "success": Prop("boolean"),
    "completion": Prop("boolean"),
    "response": Prop("string"),
    "duration": Prop("duration"),
    "extensions": Prop("extensions"),
}

SCORE: dict[str, Prop] = {
    "scaled": Prop("number"),
    "raw": Prop("number"),
    "min": Prop("number"),
    "max": Prop("number"),
}

CONTEXT: dict[str, Prop] = {
    "registration": Prop("uuid"),
    "instructor": Prop("actor"),
    "team": Prop("group"),
    "contextActivities": Prop("context_activities"),
    "revision": Prop("string"),
    "platform": Prop("string"),
    "language": Prop("langtag"),
    "statement": Prop("statement_ref"),
    "extensions": Prop("extensions"),
    "contextAgents": Prop("context_agents", versions=ONLY_V2),
    "contextGroups": Prop("context_groups", versions=ONLY_V2),
}

CONTEXT_ACTIVITIES: dict[str, Prop] = {
    "parent": Prop("activities"),
    "grouping": Prop("activities"),
    "category": Prop("activities"),
    "other": Prop("activities"),
}

CONTEXT_AGENT: dict[str, Prop] = {
    "objectType": Prop("const:contextAgent", required=True),
    "agent": Prop("agent", required=True),
    "relevantTypes": Prop("iris"),
}

CONTEXT_GROUP: dict[str, Prop] = {
    "objectType": Prop("const:contextGroup", required=True),
    "group": Prop("group", required=True),
    "relevantTypes": Prop("iris"),
}

ATTACHMENT: dict[str, Prop] = {
    "usageType": Prop("iri", required=True),
    "display": Prop("langmap", required=True),
    "description": Prop("langmap"),
    "contentType": Prop("mime", required=True),
    "length": Prop("integer", required=True),
    "sha2": Prop("sha2", required=True),
    "fileUrl": Prop("iri"),
}

#: Data §2.4.11: the usage type of a JWS signature attachment.
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

# --- value formats (Data §4) ------------------------------------------------------------------

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}"
                  r"-[0-9a-fA-F]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
LANGTAG = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
                     r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
                     r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
                     r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
                     r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$")
MIME = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(?:\s*;.*)?$")
_N = r"\d+(?:[.,]\d+)?"
DURATION = re.compile(rf"^P(?:{_N}W|(?=\d|T\d)(?:{_N}Y)?(?:{_N}M)?(?:{_N}D)?"
                      rf"(?:T(?=\d)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?)$")
#: ISO 8601 date-time; 2.0 (RFC 3339) additionally requires the offset (checked in code).
TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                       r"(Z|[+-]\d{2}(?::?\d{2})?)?$", re.IGNORECASE)
VERSION = {V1: re.compile(r"^1\.0(\.\d+)?$"), V2: re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")}
