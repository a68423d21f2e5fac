"""The lifecycle the fake Google gRPC servers share.

A `FakeServer` is a sync `grpc.server` on 127.0.0.1:0 running in its own threads, serving generic
method handlers. A subclass sets `max_workers` and returns its handlers from `handlers()` as
`{service_name: {method: handler}}`, built with `unary()` / `bidi()`, whose (de)serializers are those
of the proto-plus classes (`.deserialize` / `.serialize`) or of plain pb2 classes (`FromString` /
`SerializeToString`).
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from concurrent import futures
from typing import Any, Self

import grpc

Handlers = dict[str, dict[str, grpc.RpcMethodHandler]]


def _deserializer(cls: Any) -> Callable[[bytes], Any]:
    return cls.deserialize if hasattr(cls, "deserialize") else cls.FromString


def _serializer(cls: Any) -> Callable[[Any], bytes]:
    return cls.serialize if hasattr(cls, "serialize") else lambda m: m.SerializeToString()


def unary(fn: Callable[..., Any], req_cls: Any, resp_cls: Any) -> grpc.RpcMethodHandler:
    """A unary-unary handler for `fn(request, context)`."""
    return grpc.unary_unary_rpc_method_handler(
        fn, request_deserializer=_deserializer(req_cls), response_serializer=_serializer(resp_cls))


def bidi(fn: Callable[..., Any], req_cls: Any, resp_cls: Any) -> grpc.RpcMethodHandler:
    """A stream-stream handler for `fn(request_iterator, context)`."""
    return grpc.stream_stream_rpc_method_handler(
        fn, request_deserializer=_deserializer(req_cls), response_serializer=_serializer(resp_cls))


class FakeServer(abc.ABC):
    """Start with `start()` (returns the port) and stop with `stop()`, or use the `with` statement."""

    max_workers = 4

    def __init__(self) -> None:
        self._server: grpc.Server | None = None
        self.port = 0

    @abc.abstractmethod
    def handlers(self) -> Handlers:
        """`{service_name: {method: handler}}`, built when the server starts."""

    def start(self) -> int:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=self.max_workers))
        server.add_generic_rpc_handlers(tuple(
            grpc.method_handlers_generic_handler(service, methods) for service, methods in self.handlers().items()))
        self.port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server
        return self.port

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
