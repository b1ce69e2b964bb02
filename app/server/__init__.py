"""The cloud API server: `create_app` (FastAPI over a DataSource) and, in `app.server.runner`,
`HttpServer` (uvicorn in the source's own loop).  See shared/API.md and the OpenAPI document at
/api/v1/openapi.json, which is the complete contract."""

from app.server.app import API_PREFIX, create_app
from app.server.stream import StreamLimits

__all__ = ["API_PREFIX", "StreamLimits", "create_app"]
