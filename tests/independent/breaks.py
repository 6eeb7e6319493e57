"""Mutations: `--break RULE_ID` makes the server violate exactly one documented fact of a rule.

Each entry of BREAKS is a rule id of the catalog and what the broken server does instead. The
server code asks `breaks.on("RULE-ID")` at the one place where that fact is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKS: dict[str, str] = {
    "HDR-01": "an unknown Accept-Language locale is accepted",
    "HDR-02": "the documented locale sv-SE is refused with 406-100",
    "HDR-03": "a missing Accept-Language header is refused with 406-100 instead of taking en-US",
    "HDR-04": "an Accept of one media type other than JSON or XML is accepted (answered in JSON)",
    "HDR-05": "errors are always JSON, even when only XML is accepted",
    "HDR-07": "userMessage is sent even without X-egain-error-message: yes",
    "QRY-01": "an unsupported query parameter is ignored",
    "QRY-02": "the customer query parameter from a user or client application is ignored",
    "QRY-03": "a customer query parameter that is not a decimal id is ignored",
    "ACT-01": "a request without an Authorization header is served as the client application",
    "ACT-02": "an unknown bearer token is served as the client application",
    "ACT-03": "a user without the 'Manage partition resources' privilege creates the activity",
    "ACT-04": "a user with the privilege is refused with 403-178",
    "ACT-05": "a client application is refused with 403-178",
    "ACT-06": "an authenticated customer is refused with 403-178",
    "GRT-01": "an activity on behalf of a granted customer is stored with the logged-in customer",
    "GRT-02": "no grant is needed to act for another customer",
    "GRT-03": "an activity a customer creates for self is stored with sentOnBehalf true",
    "GRT-04": "payload.email.emailAddresses.from is accepted together with the customer parameter",
    "GRT-05": "acting for a granted customer without an email address creates an activity",
    "UC-01": "a missing department.name is accepted (the alias's department is used)",
    "UC-02": "an unknown department.name is accepted (the alias's department is used)",
    "UC-03": "a missing from address is accepted (the activity has no customer)",
    "UC-04": "a from address that is not a single valid address is accepted",
    "UC-05": "a known from address (no customer element) attaches the activity to another customer",
    "UC-06": "the customer created from the customer element does not get the from address",
    "UC-07": "an unknown from address without a customer element creates a bare customer",
    "UC-08": "a department inside the customer element is accepted",
    "UC-09": "a customer element sent with a known from address creates a new customer",
    "UC-10": "with departmentalization on, from is looked up across all departments",
    "UC-11": "with departmentalization on, a new customer is created shared (no department)",
    "UC-12": "a missing receiver is accepted (the department's first active alias is used)",
    "UC-13": "an active alias of another department is accepted",
    "UC-14": "secure true is stored as not secure",
    "UC-15": "a secure value that is not true or false is taken as false",
    "UC-17": "an invalid cc address is accepted",
    "CUS-01": "a customer without receiver or messageCenter gets its own department",
    "CUS-02": "a customer's email is filed under the customer's own department, not the alias's",
    "CUS-04": "an inactive message center is accepted",
    "CUS-05": "with departmentalization on, another department's message center is accepted",
    "CUS-06": "an inactive alias is accepted as a customer's receiver",
    "CUS-07": "with departmentalization on, another department's alias is accepted from a customer",
    "CUS-08": "without from, the activity is stored with no from address",
    "CUS-09": "another customer's address is accepted as a customer's from",
    "CUS-10": "an unknown from address is not added to the customer's contact points",
    "CUS-11": "with departmentalization on, a customer's from is looked up in all departments",
    "CUS-12": "issueType.id is accepted without messageCenter.id",
    "CUS-13": "an issue type of another message center is accepted",
    "CUS-14": "a customer's activity is stored as not secure",
    "CUS-15": "with secure messaging off, a customer still creates a (secure) email",
    "BODY-01": "an empty body is answered 400-152 requestBody instead of 400-264",
    "BODY-03": "a JSON array body is read as its first item",
    "BODY-04": "a type.value other than email is accepted",
    "BODY-05": "a type.subtype.value other than general is accepted",
    "BODY-06": "a body without subject, attachments and content is accepted",
    "BODY-07": "a subject longer than 255 characters is accepted",
    "BODY-09": "an unknown case.id is accepted (a new case is made)",
    "BODY-10": "without case.id the activity joins an existing case instead of a new one",
    "BODY-11": "a custom attribute that is not configured is accepted",
    "BODY-12": "content with html and no text is stored as text",
    "BODY-13": "a replyTo with more than one address is accepted",
    "BODY-14": "without payload.email.date the email is dated at the Unix epoch",
    "BODY-15": "an attachment without altId is accepted (and dropped)",
    "BODY-16": "an inline attachment without contentId is accepted",
    "BODY-17": "more than 25 attachments are accepted",
    "BODY-18": "an XML body is refused with 400-152 requestBody",
    "BODY-19": "a case.id sent as a JSON number is refused with 400-152",
    "LIM-01": "content over the body size limit (KB) is accepted",
    "LIM-02": "attachments over the email size limit (MB) are accepted",
    "EFF-01": "the Location header lacks the /core/casemgr/v3 base path",
    "EFF-02": "a new email is stored with status open instead of awaiting_assignment",
    "EFF-03": "the html content is not stored",
    "PRT-02": "error bodies carry 'message' instead of 'developerMessage'",
    "PRT-03": "a subject that is not a string causes a 500",
}


@dataclass(frozen=True)
class Breaks:
    """The one rule broken in this run, if any."""

    rule: str | None = None

    def on(self, rule_id: str) -> bool:
        return self.rule == rule_id


def check(rule_id: str | None) -> Breaks:
    if rule_id is not None and rule_id not in BREAKS:
        raise KeyError(rule_id)
    return Breaks(rule_id)
