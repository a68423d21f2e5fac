"""A Google API endpoint that fails every call one chosen way: for the network and deadline tests.

Answers any method of any service (Run, Logging, Billing), so one fake covers every client:
- "silent": accepts the call and never answers (until the server stops), like a black-holed network;
- "unavailable": UNAVAILABLE at once, like a dropped connection on every attempt;
- "denied": PERMISSION_DENIED;
- "exhausted": RESOURCE_EXHAUSTED (quota).
Requests are taken as raw bytes; no response is ever serialized, since none is ever sent.
"""

from __future__ import annotations

import threading
from typing import Any

import grpc

from tests.fakes.grpcfake import FakeServer, Handlers

STREAMING = {"TailLogEntries"}
_ABORTS = {
    "unavailable": (grpc.StatusCode.UNAVAILABLE, "The service is currently unavailable."),
    "denied": (grpc.StatusCode.PERMISSION_DENIED, "Permission 'run.services.get' denied on resource."),
    "exhausted": (grpc.StatusCode.RESOURCE_EXHAUSTED, "Quota exceeded for quota metric 'Read requests'."),
}


class _AnyMethod(grpc.GenericRpcHandler):
    def __init__(self, fake: FakeFaults):
        self.fake = fake

    def service(self, handler_call_details: Any) -> grpc.RpcMethodHandler:
        method = handler_call_details.method.rsplit("/", 1)[-1]
        self.fake.calls.append(method)
        if method in STREAMING:
            return grpc.stream_stream_rpc_method_handler(self.fake.stream)
        return grpc.unary_unary_rpc_method_handler(self.fake.unary)


class FakeFaults(FakeServer):
    max_workers = 32

    def __init__(self, mode: str):
        super().__init__()
        if mode not in ("silent", *_ABORTS):
            raise ValueError(mode)
        self.mode = mode
        self.calls: list[str] = []
        self._stopping = threading.Event()

    def handlers(self) -> Handlers:
        return {}

    def start(self) -> int:
        from concurrent import futures

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=self.max_workers))
        server.add_generic_rpc_handlers((_AnyMethod(self),))
        self.port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server
        return self.port

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    def _fail(self, context: grpc.ServicerContext) -> None:
        if self.mode == "silent":
            while context.is_active() and not self._stopping.wait(0.05):
                pass
            context.abort(grpc.StatusCode.CANCELLED, "fake stopped")
        context.abort(*_ABORTS[self.mode])

    def unary(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        self._fail(context)
        return b""

    def stream(self, request_iterator: Any, context: grpc.ServicerContext):
        self._fail(context)
        yield b""
