"""Spider arguments (``-a name=value``) checked before anything is crawled.

Scrapy makes every ``-a`` value an attribute of the spider, whether the spider takes it or
not. ``crawlall`` hands each spider only the arguments it takes (``-a outlets=`` is the
``site`` spider's: set on БЕЛТА it replaced its ``outlets()`` method) and refuses one that no
spider takes (a typo: ``-a snice=``); both commands check the values with the spider's
``check_arguments`` first, so a bad one is a usage error (exit status 2), not a crash.
"""

from __future__ import annotations

import inspect
from typing import Any

import scrapy
from scrapy.exceptions import UsageError

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def spider_parameters(spidercls: type) -> frozenset[str]:
    """The ``-a`` names a spider takes: keyword parameters of its own ``__init__`` methods
    (not Scrapy's ``Spider``, whose ``name`` is no argument) and of ``check_arguments``."""
    methods = [vars(k)["__init__"] for k in spidercls.__mro__
               if "__init__" in vars(k) and issubclass(k, scrapy.Spider) and k is not scrapy.Spider]
    check = getattr(spidercls, "check_arguments", None)
    names = {p.name for m in [*methods, *([check] if callable(check) else [])]
             for p in inspect.signature(m).parameters.values() if p.kind in _NAMED}
    return frozenset(names - {"self", "cls"})


def route_arguments(arguments: dict[str, Any],
                    spiders: dict[str, type]) -> dict[str, dict[str, Any]]:
    """Each spider's share of ``arguments``; UsageError for one no spider takes."""
    takes = {name: spider_parameters(cls) for name, cls in spiders.items()}
    known = set().union(*takes.values()) if takes else set()
    for key in arguments:
        if key not in known:
            raise UsageError(f"-a {key}: no spider takes it (they take: "
                             f"{', '.join(sorted(known))})")
    return {name: {k: v for k, v in arguments.items() if k in takes[name]}
            for name in spiders}


def check_arguments(spidercls: type, arguments: dict[str, Any]) -> None:
    """The spider's own check of its ``-a`` values (UsageError), and none that would replace
    one of its attributes without being an argument it takes."""
    taken = spider_parameters(spidercls)
    for key in arguments:
        if key not in taken and hasattr(spidercls, key):
            raise UsageError(f"-a {key}: {spidercls.name} does not take it (it would replace "
                             f"the spider's own {key!r})")
    check = getattr(spidercls, "check_arguments", None)
    if callable(check):
        check(**arguments)
