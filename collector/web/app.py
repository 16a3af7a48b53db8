"""The analysts' window: one ASGI application with the incident pages, the Atom feed,
the JSON API and the probes (/healthz, /readyz, /metrics).

Read-only: no route changes data. The store is read in the server's worker threads (the
routes are plain functions), so a slow query never holds up the event loop that, in
`owabi run`, also schedules polls and sends alerts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Annotated, Any, Protocol

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.orm import Session, sessionmaker

from alerts.render import safe_url
from collector.clock import SYSTEM, Clock
from collector.config.files import Config
from collector.export import describe
from collector.export.json_doc import incident_dict
from collector.incidents.filters import BadFilter, IncidentFilter, read_filter
from collector.incidents.select import select_incidents
from collector.sources.status import statuses
from collector.store import queries
from collector.store.models import IncidentRecord
from collector.web import atom, views
from collector.web.access import Access, AccessMiddleware
from collector.web.chart import chart

PAGE_SIZE = 50
FEED_SIZE = 50
MAX_LIMIT = 500
TEXT = "text/plain; charset=utf-8"
_CATEGORY = "Any of these categories (repeat the parameter): " + ", ".join(describe.CATEGORY_LABELS)


class MetricsSource(Protocol):
    """What /metrics serves: the daemon's Prometheus registry, rendered."""

    content_type: str

    def render(self) -> bytes: ...


@dataclass
class Site:
    """What the application reads: the store, the current configuration (the daemon
    swaps it on reload), readiness and metrics (the daemon's, or a plain store check)."""

    sessions: sessionmaker[Session]
    config: Callable[[], Config]
    ready: Callable[[], Awaitable[tuple[bool, str]]]
    metrics: MetricsSource | None
    access: Access
    misp_feed: bool = False
    clock: Clock = SYSTEM


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("collector.web", "templates"),
        autoescape=True,  # every template, whatever its name: scraped text is hostile
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.globals["CATEGORY_LABELS"] = describe.CATEGORY_LABELS
    env.globals["STAGE_LABELS"] = describe.STAGE_LABELS
    env.globals["show"] = describe.show
    return env


def build_app(site: Site) -> FastAPI:
    app = FastAPI(
        title="owabi",
        summary="Japanese security-incident notices, parsed into the incident schema.",
        version="1",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema is enough
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.add_middleware(AccessMiddleware, access=site.access)
    app.mount(
        "/static", StaticFiles(directory=str(files("collector.web") / "static")), name="static"
    )
    env = _templates()

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def filter_of(request: Request) -> IncidentFilter:
        return read_filter(list(request.query_params.multi_items()), site.config().rules)

    def tags() -> dict[str, tuple[str, ...]]:
        return site.config().source_tags()

    @app.exception_handler(BadFilter)
    async def bad_filter(request: Request, exc: BadFilter) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        if request.url.path.endswith(".atom"):
            return PlainTextResponse(f"{exc}\n", status_code=400)
        return page("error.html", 400, title="条件が正しくありません", message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        message = f"{where}: {first.get('msg', 'invalid')}"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=400)
        return PlainTextResponse(f"{message}\n", status_code=400)

    @app.api_route("/healthz", methods=["GET", "HEAD"], include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok\n", media_type=TEXT)

    @app.api_route("/readyz", methods=["GET", "HEAD"], include_in_schema=False)
    async def readyz() -> PlainTextResponse:
        ok, reason = await site.ready()
        return PlainTextResponse(f"{reason}\n", status_code=200 if ok else 503, media_type=TEXT)

    @app.api_route("/metrics", methods=["GET", "HEAD"], include_in_schema=False)
    def metrics() -> Response:
        if site.metrics is None:
            raise HTTPException(404)
        return Response(site.metrics.render(), media_type=site.metrics.content_type)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, cursor: int | None = None) -> HTMLResponse:
        flt = filter_of(request)
        with site.sessions() as s:
            every = select_incidents(s, flt, tags(), limit=None)
            start = _start(every.items, cursor)
            shown = every.items[start : start + PAGE_SIZE]
            more = start + PAGE_SIZE < len(every.items)
            points = [
                (views.month(r.published or r.created_at.date()), r.data.get("categories", []))
                for r in every.items
            ]
            return page(
                "index.html",
                title="インシデント一覧",
                flt=flt,
                incidents=shown,
                total=len(every.items),
                next_cursor=shown[-1].id if more and shown else None,
                # The page before starts after the incident PAGE_SIZE rows up (none: first).
                previous=start > 0,
                previous_cursor=every.items[start - PAGE_SIZE - 1].id
                if start > PAGE_SIZE
                else None,
                first_row=start + 1,
                chart=chart(points),
                query=flt.query_string(),
                rules=[r.name for r in site.config().rules.rules if r.has_watchlist],
                page_size=PAGE_SIZE,
            )

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    def incident_page(incident_id: int) -> HTMLResponse:
        with site.sessions() as s:
            record = queries.incident(s, incident_id)
            if record is None:
                return page(
                    "error.html",
                    404,
                    title="見つかりません",
                    message=f"インシデント {incident_id} はありません。",
                )
            evidence = record.data.get("evidence") or {}
            notices = [
                {
                    "url": n.url,
                    "source": n.source_id,
                    "fetched_at": n.fetched_at,
                    "title": n.entry_title or (n.data or {}).get("title"),
                    "segments": views.marked(n.text, evidence) if n.text else None,
                    "primary": n.is_primary,
                }
                # The organization's own notices first.
                for n in sorted(record.notices, key=lambda n: not n.is_primary)
            ]
            alerts = queries.deliveries_of(s, incident_id)
            return page(
                "incident.html",
                title=describe.title(record),
                record=record,
                facts=views.facts(record.data),
                notices=notices,
                changes=views.changes(record.history or [], record.data),
                alerts=alerts,
                labels=views.FIELD_LABELS,
            )

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> HTMLResponse:
        config = site.config()
        with site.sessions() as s:
            states = queries.all_source_states(s)
            rows = statuses(
                config.sources.sources, states, site.clock.now(), config.settings.default_interval
            )
        return page("sources.html", title="ソース", rows=rows)

    @app.get("/feed.atom", include_in_schema=False)
    def feed(request: Request) -> Response:
        flt = filter_of(request)
        with site.sessions() as s:
            found = select_incidents(s, flt, tags(), limit=FEED_SIZE)
            base = str(request.base_url)
            body = atom.feed(
                found.items,
                self_url=str(request.url.remove_query_params("token")),
                site_url=base,
                generated=site.clock.now(),
            )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.get("/api/v1/incidents", tags=["incidents"])
    def api_incidents(
        request: Request,
        # Declared for the API's description; read_filter reads and checks them, with the
        # same messages as the pages and the feed.
        category: Annotated[list[str], Query(description=_CATEGORY)] = [],  # noqa: B006
        org: Annotated[str | None, Query(description="Organization contains (normalized).")] = None,
        since: Annotated[
            str | None, Query(description="Published on or after (YYYY-MM-DD).")
        ] = None,
        until: Annotated[
            str | None, Query(description="Published on or before (YYYY-MM-DD).")
        ] = None,
        min_people: Annotated[str | None, Query(description="People affected at least.")] = None,
        min_cards: Annotated[str | None, Query(description="Cards affected at least.")] = None,
        card_data: Annotated[str | None, Query(description="Card data leaked: true/false.")] = None,
        tag: Annotated[str | None, Query(description="A tag of a source that carried it.")] = None,
        watchlist: Annotated[str | None, Query(description="An alert rule's watchlist.")] = None,
        stage: Annotated[str | None, Query(description="report, update or final.")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE,
        cursor: Annotated[int | None, Query(description="next_cursor of the last page.")] = None,
    ) -> dict[str, Any]:
        """Incidents, newest first, as the JSON export shapes them; pass `next_cursor`
        back as `cursor` for the next page."""
        flt = filter_of(request)
        with site.sessions() as s:
            found = select_incidents(s, flt, tags(), limit=limit, before=cursor)
            return {
                "items": [incident_dict(r) for r in found.items],
                "next_cursor": found.next_cursor,
            }

    @app.get("/misp/{name}", include_in_schema=False)
    def misp_file(name: str) -> Response:
        """The MISP feed of every incident, when OWABI_WEB_MISP_FEED is on."""
        if not site.misp_feed:
            raise HTTPException(404)
        from collector.export import misp

        with site.sessions() as s:
            if name == "manifest.json":
                everything = select_incidents(s, IncidentFilter(), tags(), limit=None).items
                return JSONResponse(misp.feed(everything)["manifest.json"])
            # One event: its incident found by uuid, the others left unread.
            wanted = name.removesuffix(".json")
            ids = queries.incident_ids(s)
            found = next((i for i in ids if str(describe.incident_uuid(i)) == wanted), None)
            record = queries.incident(s, found) if found is not None else None
            if record is None:
                raise HTTPException(404)
            return JSONResponse(misp.event_file(record)[0])

    @app.get("/api/v1/incidents/{incident_id}", tags=["incidents"])
    def api_incident(incident_id: int) -> dict[str, Any]:
        """One incident, as the JSON export shapes it."""
        with site.sessions() as s:
            record = queries.incident(s, incident_id)
            if record is None:
                raise HTTPException(404, detail=f"no incident with id {incident_id}")
            return incident_dict(record)

    return app


def _start(items: list[IncidentRecord], cursor: int | None) -> int:
    """Where a page begins: the first incident older than `cursor` (newest first)."""
    if cursor is None:
        return 0
    return next((i for i, r in enumerate(items) if r.id < cursor), len(items))
