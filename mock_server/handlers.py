"""The operations' handlers: thin, because the vendor checks and the rules did the work."""

from __future__ import annotations

import json
from typing import Any

from connexion import context
from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response

from mock_server import negotiation, rules, xmlcodec
from mock_server.errors import ApiError
from mock_server.store import State
from mock_server.vendor_checks import CREATE, READ, SUBMISSION_KEY, Services


class Handlers:
    """Bound to one app's services; Connexion resolves operationIds to these methods."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def by_operation_id(self) -> dict[str, Any]:
        return {
            CREATE: self.create_incoming_email_activity,
            READ: self.get_activity_by_id,
        }

    async def create_incoming_email_activity(self) -> Response:
        """Steps 9-10 and the effects, under the store's lock so creates never interleave.

        The answer is Starlette's own Response, which Connexion's AsyncApp passes through as
        is (a ConnexionResponse would be built only to be converted into one)."""
        submission: rules.Submission = context.context[SUBMISSION_KEY]
        with self.services.store.transaction() as state:
            decision = rules.decide(state, submission)
            activity_id = rules.commit(state, submission, decision, _actor_name(state, submission))
        location = f"{self.services.base_path}/activity/{activity_id}"
        return Response(status_code=201, headers={"Location": location})

    async def get_activity_by_id(self, id: str) -> ConnexionResponse:
        """Mock extension: the stored activity in the vendor's {"activity": [...]} shape."""
        activity = self.services.store.activity(id)
        if activity is None:
            raise ApiError(404, "404-100", (), None)
        document = {"activity": [activity]}
        accept = context.request.headers.get("accept")
        if negotiation.response_format(accept) == negotiation.XML:
            body = xmlcodec.dump(document, "activities")
            return ConnexionResponse(status_code=200, body=body, content_type="application/xml")
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        return ConnexionResponse(status_code=200, body=body, content_type="application/json")


def _actor_name(state: State, submission: rules.Submission) -> str:
    actor = submission.actor
    if actor.kind == "user" and actor.id in state.users:
        return state.users[actor.id].name
    customer = state.customers.get(actor.id) if actor.kind == "customer" else None
    if customer is not None and customer.contacts:
        contact = customer.contacts[0]
        return f"{contact.first_name} {contact.last_name}".strip() or actor.id
    return actor.id
