"""The local API's HTTP surface (Starlette): routes, bearer-token check, CORS, size limits. No Qt.

    GET  /v1/health            the app is up; which model; whether it has loaded
    POST /v1/suggest           {"conversation": "..."} -> server-sent events:
                               ready, token..., draft, alternative..., done | error
    GET  /v1/canned?q=&limit=  search the canned library (the agent's own and team responses)
    POST /v1/feedback          what the agent did with a suggestion (copied, discarded)

Every request needs `Authorization: Bearer <token>`; only the `Host` names of this machine are
answered (a page that rebinds its DNS name to 127.0.0.1 is refused); browsers may call it only
from the origins the agent allowed (CORS). Request bodies are bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any, get_args

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop import __version__
from desktop.api.generation import BusyError, GenerationWorker, Job
from desktop.api.slow_clients import SlowBodyError, body_deadline, receive_by
from desktop.api.store_worker import StoreWorker
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone, from_settings
from desktop.errors import InputError
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.feedback import Action, FeedbackEvent, FeedbackRepository, Kind
from desktop.store.library import Library
from desktop.transcript import parse

MAX_BODY_BYTES = 256_000  # a long conversation is ~20 KB; the window keeps 100,000 characters
MAX_ALTERNATIVES = 5
SEARCH_LIMIT = 50
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
MAX_JSON_DEPTH = 32  # the bodies are flat objects; 1,000 levels were a RecursionError (500)


@dataclass(frozen=True)
class ApiConfig:
    token: str
    origins: tuple[str, ...] = ()


class _TooLargeError(Exception):
    pass


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class Guard:
    """Pure ASGI middleware (it must not buffer the event stream): token, then body size."""

    def __init__(self, app: ASGIApp, token: str, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.token = token.encode()
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode(), self.token
        ):
            response = _error(
                401, "A valid API token is needed (Authorization: Bearer <token>).",
                {"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
            await response(scope, receive, send)
            return
        declared = headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > self.max_body:
            await _error(413, f"Request body over {self.max_body} bytes.")(scope, receive, send)
            return
        received = 0
        started = False
        body_done = False
        deadline = body_deadline()  # a body sent a byte a minute must not hold a connection

        async def limited_receive() -> Message:
            nonlocal received, body_done
            message = await (receive() if body_done else receive_by(receive, deadline))
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # chunked bodies declare no length
                    raise _TooLargeError
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await _error(413, f"Request body over {self.max_body} bytes.")(scope, receive, send)
        except SlowBodyError:
            if not started:
                slow = _error(408, "The request body was too slow.", {"Connection": "close"})
                await slow(scope, receive, send)


def canned_json(response: CannedResponse) -> dict[str, Any]:
    return {
        "id": response.id,
        "title": response.title,
        "body": response.body,
        "shortcode": response.shortcode,
        "category": response.category,
        "tags": list(response.tags),
        "source": response.source,
    }


def _options(body: dict[str, Any], settings: Settings) -> DraftOptions:
    """The settings' draft options with what the request asks for instead."""
    options = from_settings(settings)
    try:
        if "mode" in body:
            options = replace(options, mode=DraftMode(body["mode"]))
        if "tone" in body:
            options = replace(options, tone=Tone(body["tone"]), follow_mood=False)
        if "length" in body:
            options = replace(options, length=Length(body["length"]))
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    alternatives = body.get("alternatives", min(options.alternatives, 3))
    if not isinstance(alternatives, int) or not 1 <= alternatives <= MAX_ALTERNATIVES:
        raise InputError(f"alternatives must be a number from 1 to {MAX_ALTERNATIVES}.")
    return replace(options, alternatives=alternatives)


class _GoneError(Exception):
    """The client closed the connection before its body arrived: nobody to answer."""


def _depth_within(value: Any, limit: int) -> bool:
    """True when `value` nests lists and objects at most `limit` deep (iterative)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        raw = await request.body()
    except ClientDisconnect as exc:
        raise _GoneError from exc
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("The request body must be JSON.") from exc
    except RecursionError as exc:
        raise InputError(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.") from exc
    if not isinstance(body, dict):
        raise InputError("The request body must be a JSON object.")
    if not _depth_within(body, MAX_JSON_DEPTH):
        raise InputError(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    return body


class _Cors(CORSMiddleware):
    """Starlette's CORS, without the private-network grant on a refused preflight.

    Chrome's Private Network Access asks before a page may call 127.0.0.1; telling a page
    whose origin was refused that it may is a grant it should never see (issue 22).
    """

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 200 and "access-control-allow-private-network" in (
            response.headers
        ):
            del response.headers["access-control-allow-private-network"]
        return response


def _feedback_event(body: dict[str, Any]) -> FeedbackEvent:
    kind: Kind = body.get("kind", "")  # checked just below
    action: Action = body.get("action", "")
    if kind not in get_args(Kind):
        raise InputError(f"kind must be one of: {', '.join(get_args(Kind))}.")
    if action not in get_args(Action):
        raise InputError(f"action must be one of: {', '.join(get_args(Action))}.")
    offered, copied = body.get("offered_text", ""), body.get("copied_text", "")
    if not isinstance(offered, str) or not isinstance(copied, str):
        raise InputError("offered_text and copied_text must be text.")
    ids = body.get("canned_ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise InputError("canned_ids must be a list of numbers.")
    first_token_s, total_s = body.get("first_token_s"), body.get("total_s")
    for timing in (first_token_s, total_s):
        if timing is not None and not isinstance(timing, int | float):
            raise InputError("first_token_s and total_s must be numbers.")
    return FeedbackEvent(
        kind=kind,
        action=action,
        offered_text=offered,
        copied_text=copied,
        canned_ids=ids,
        model=str(body.get("model", ""))[:80],
        mode=str(body.get("mode", ""))[:40],
        tone=str(body.get("tone", ""))[:40],
        first_token_s=first_token_s,
        total_s=total_s,
    )


def build_app(
    config: ApiConfig, settings: Settings, generation: GenerationWorker, store: StoreWorker
) -> Starlette:
    """The API as an ASGI app over workers the caller owns (and stops)."""

    async def health(_request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "model": generation.model,
                "model_loaded": generation.wait_loaded(0) and not generation.load_error,
            }
        )

    async def canned(request: Request) -> Response:
        text = request.query_params.get("q", "")[:500]
        try:
            limit = min(max(int(request.query_params.get("limit", "10")), 1), SEARCH_LIMIT)
        except ValueError:
            return _error(400, "limit must be a number.")
        found = await store.run(lambda library: library.repo.search(text, limit))
        return JSONResponse({"responses": [canned_json(r) for r in found]})

    async def feedback(request: Request) -> Response:
        try:
            event = _feedback_event(await _json_body(request))
        except InputError as exc:
            return _error(400, str(exc))
        except _GoneError:
            return Response(status_code=400)  # never sent: the client has gone

        def record(library: Library) -> None:
            FeedbackRepository(library.repo.db).record(event)

        await store.run(record)
        return JSONResponse({"recorded": True}, status_code=201)

    async def suggest(request: Request) -> Response:
        try:
            body = await _json_body(request)
            conversation = body.get("conversation")
            if not isinstance(conversation, str) or not conversation.strip():
                raise InputError("conversation must be the conversation's text.")
            seed = body.get("seed")
            if seed is not None and not isinstance(seed, int):
                raise InputError("seed must be a whole number.")
            job_options = _options(body, settings)
            transcript = parse(conversation)
        except InputError as exc:
            return _error(400, str(exc))
        except _GoneError:
            return Response(status_code=400)  # never sent: the client has gone
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def emit(name: str, data: Any) -> None:  # on the generation thread
            # A closed loop means the server has stopped: nobody is listening any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(events.put_nowait, (name, data))

        job = Job(transcript, job_options, emit, seed)
        try:
            generation.submit(job)
        except BusyError as exc:
            return _error(503, f"Busy: {exc}; try again shortly.", {"Retry-After": "2"})

        async def stream() -> AsyncIterator[ServerSentEvent]:
            try:
                while True:
                    name, data = await events.get()
                    yield ServerSentEvent(data=json.dumps(data), event=name)
                    if name in ("done", "error"):
                        return
            finally:
                job.cancel.set()  # the client went away (or the stream ended): stop generating

        return EventSourceResponse(stream(), ping=15)

    return Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/suggest", suggest, methods=["POST"]),
            Route("/v1/canned", canned, methods=["GET"]),
            Route("/v1/feedback", feedback, methods=["POST"]),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS),
            Middleware(
                _Cors,
                allow_origins=list(config.origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                allow_private_network=True,  # Chrome asks before a web page may call 127.0.0.1
                max_age=600,
            ),
            Middleware(Guard, token=config.token),
        ],
    )
