"""The native half of :mod:`cinetpay` (Rust, pyo3). Use :mod:`cinetpay` instead."""

from typing import Any, Dict, List, Mapping, Optional, Tuple, final

__all__ = ["Completions", "ERROR_CODES", "ERROR_FAMILIES", "FIELDS", "NativeClient", "NativeError", "OPERATIONS", "SCHEMA", "__version__"]

__version__: str
ERROR_CODES: List[str]
ERROR_FAMILIES: Dict[str, str]
FIELDS: List[str]
OPERATIONS: List[str]
SCHEMA: Dict[str, Any]

class NativeError(Exception):
    """A core error; ``args[0]`` is its error object (a dict). The public classes are in ``cinetpay``."""

@final
class Completions:
    """Calls in flight on one event loop, delivered through a socket the loop watches."""

    def __new__(cls) -> Completions: ...
    def fileno(self) -> int: ...
    def take(self) -> List[Tuple[int, bool, Any]]:
        """Finished calls as ``(id, ok, value)``: the result, or the error's object (a dict)."""
    def cancel(self, id: int) -> None: ...
    def running(self) -> int: ...

@final
class NativeClient:
    def __new__(cls, settings: Mapping[str, object], from_env: bool = False) -> NativeClient: ...
    def call(self, operation: str, payload: Mapping[str, object]) -> Any: ...
    def call_async(self, operation: str, payload: Mapping[str, object], calls: Completions) -> int: ...
    @property
    def site_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
