"""The site file: schema, loading, and validation with key-path errors."""

from app.config.loader import Problem, SiteError
from app.config.site import DEMO_SITE, Site, load_site, site_from_text

__all__ = ["DEMO_SITE", "Problem", "Site", "SiteError", "load_site", "site_from_text"]
