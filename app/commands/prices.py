"""`launchdeck prices`: manage the price catalog (refresh from the Cloud Billing Catalog API)."""

from __future__ import annotations

import argparse

from launchdeck.app.commands._common import CommandError, add_format_arg


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prices", help="manage the price catalog (refresh from the Cloud Billing Catalog API)", description="manage the price catalog (refresh from the Cloud Billing Catalog API).")
    ps = p.add_subparsers(dest="prices_command", metavar="ACTION", required=True)
    r = ps.add_parser("refresh", help="fetch current list prices into the user cache")
    r.add_argument("--api-key", help="Cloud Billing API key (default: Application Default Credentials)")
    r.set_defaults(func=run)
    s = ps.add_parser("show", help="show which catalog estimates use")
    add_format_arg(s, ("table", "json"))
    s.set_defaults(func=run)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.prices_command == "show":
        return show(getattr(args, "format", "table"))
    return refresh(args.api_key)


def show(fmt: str) -> int:
    from launchdeck.app.output import to_json
    from launchdeck.estimators.pricebook import CatalogError, cache_file, load_catalog

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        raise CommandError(str(exc)) from None
    info = catalog.to_summary()
    info["cache"] = str(cache_file())
    if fmt == "json":
        print(to_json(info))
        return 0
    print(f"source:  {info['source']}")
    print(f"as of:   {info['as_of']}")
    print(f"skus:    {info['skus']} from {info['services']} services ({info['priced_keys']} prices in use)")
    print(f"file:    {info['path']}")
    if info["path"] != info["cache"]:
        print(f"cache:   {info['cache']} (none yet: run `launchdeck prices refresh`)")
    return 0


def refresh(api_key: str | None) -> int:
    from launchdeck.app.gcp import NoCredentials, explain_google_error
    from launchdeck.estimators.refresh import RefreshError
    from launchdeck.estimators.refresh import refresh as do_refresh

    try:
        result = do_refresh(api_key=api_key)
    except NoCredentials as exc:
        raise CommandError(f"prices refresh: {exc} Or pass --api-key KEY (any project with the Cloud Billing API "
                           "enabled); estimates keep using the bundled snapshot.") from None
    except RefreshError as exc:
        raise CommandError(f"prices refresh: {exc}") from None
    except Exception as exc:
        from google.api_core import exceptions as gex

        if isinstance(exc, gex.GoogleAPICallError | gex.RetryError):
            raise CommandError(explain_google_error(exc, "prices refresh (Cloud Billing Catalog API)")) from None
        raise
    print(f"Fetched {result.skus_seen} SKUs from {result.services} services; kept {result.skus_kept} "
          f"({result.priced_keys} prices) as of {result.as_of}.")
    if result.missing_services:
        print(f"Not in the Catalog listing (bundled prices stay out of use for them): {', '.join(result.missing_services)}")
    print(f"Wrote {result.path}. Estimates now say: catalog.source = live (Cloud Billing Catalog API).")
    return 0
