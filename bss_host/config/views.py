"""Views onto a :class:`~bss_host.config.image.ConfigImage` that validate every assignment.

- :class:`FieldView`: one field over many instances, numpy-like (``view[:] = codes``,
  ``np.asarray(view)``); reads give copies, writes are checked whole before anything
  changes.
- :class:`RegisterView`: a register's instances, by coordinate
  (``chip.drivers[SynapseDriver(0, 5)].enable_receiver = 1``) or in bulk
  (``chip.drivers.enable_receiver[:] = 1``).
- :class:`InstanceView`: one instance; attributes are its fields.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host.config.enums import enum_of
from bss_host.config.image import ConfigImage
from bss_host.coords import Coordinate
from bss_host.errors import CoordinateError, InputError, UnknownNameError


def typed_value(register: str, field: str, value: int) -> int:
    """A field's value as its enum member if the field is enumerated, else the int."""
    cls = enum_of(register, field)
    if cls is not None and value in cls._value2member_map_:
        return cls(value)
    return value


class FieldView:
    """One field of a register over a list of its instances (``instances[i]`` is the
    register instance behind position i)."""

    __slots__ = ("_image", "_register", "_field", "_instances", "_label")

    def __init__(self, image: ConfigImage, register: str, field: str,
                 instances: npt.NDArray[np.intp], label: str) -> None:
        """``label`` is the path the user wrote (``neurons.leak.v_leak``), for errors."""
        self._image, self._register, self._field = image, register, field
        self._instances, self._label = instances, label

    @property
    def values(self) -> npt.NDArray[np.int64]:
        """A read-only copy of the values."""
        out = self._image.columns[self._register][self._field][self._instances]
        out.flags.writeable = False
        return out

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:  # noqa: ANN401
        v = self.values
        return v.astype(dtype) if dtype is not None else v.copy()

    def __len__(self) -> int:
        return len(self._instances)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._instances.shape

    def __getitem__(self, key: Any) -> Any:  # noqa: ANN401 - numpy indexing
        try:
            out = self.values[_key(key)]
        except IndexError:
            raise index_error(self._label, key, len(self)) from None
        return int(out) if np.ndim(out) == 0 else out

    def __setitem__(self, key: Any, value: npt.ArrayLike) -> None:  # noqa: ANN401
        try:
            instances = self._instances[_key(key)]
        except IndexError:
            raise index_error(self._label, key, len(self)) from None
        self._image.set(self._register, self._field, instances, value, where=self._label)

    def __iter__(self) -> Any:  # noqa: ANN401
        return iter(self.values.tolist())

    def tolist(self) -> list[int]:
        return self.values.tolist()  # type: ignore[no-any-return]

    # Comparisons are element-wise, as for a numpy array.
    def __eq__(self, other: object) -> Any:  # type: ignore[override]  # noqa: ANN401
        return self.values == np.asarray(other)

    def __ne__(self, other: object) -> Any:  # type: ignore[override]  # noqa: ANN401
        return self.values != np.asarray(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        v = self.values
        return f"<{self._label}: {len(v)} values, {np.unique(v).size} distinct, " \
            f"range {v.min()}..{v.max()}>" if v.size else f"<{self._label}: empty>"


def _key(key: Any) -> Any:  # noqa: ANN401
    """Coordinates (alone or in a list) index by their enum; everything else as numpy
    does."""
    if isinstance(key, Coordinate):
        return key.enum
    if isinstance(key, list | tuple) and key and all(isinstance(k, Coordinate) for k in key):
        return np.array([k.enum for k in key], dtype=np.intp)
    return key


def index_error(label: str, key: Any, size: int) -> CoordinateError:  # noqa: ANN401
    return CoordinateError(f"{label}[{key!r}]: not an index of these {size} values; allowed "
                           f"integers 0..{size - 1}, slices, boolean masks or coordinates")


class InstanceView:
    """One register instance; its fields are attributes, every assignment checked."""

    __slots__ = ("_image", "_register", "_index", "_label")

    def __init__(self, image: ConfigImage, register: str, index: int, label: str) -> None:
        object.__setattr__(self, "_image", image)
        object.__setattr__(self, "_register", register)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_label", label)

    def _fields(self) -> dict[str, npt.NDArray[np.int64]]:
        return self._image.columns[self._register]

    def __getattr__(self, name: str) -> int:
        cols = self._fields()
        if name not in cols:
            raise UnknownNameError(f"{self._label} has no field {name!r}; fields: "
                                   f"{', '.join(cols)}")
        return typed_value(self._register, name, int(cols[name][self._index]))

    def __setattr__(self, name: str, value: object) -> None:
        if name not in self._fields():
            raise UnknownNameError(f"{self._label} has no field {name!r}; fields: "
                                   f"{', '.join(self._fields())}")
        self._image.set(self._register, name, self._index, value,  # type: ignore[arg-type]
                        where=f"{self._label}.{name}")

    def as_dict(self) -> dict[str, int]:
        return {k: int(v[self._index]) for k, v in self._fields().items()}

    def __dir__(self) -> list[str]:
        return [*self._fields(), "as_dict"]

    def __repr__(self) -> str:
        nonzero = {k: v for k, v in self.as_dict().items() if v}
        return f"<{self._label}: {nonzero or 'all zero'}>"


class RegisterView:
    """All instances of one register, addressed by a coordinate type (or by plain
    instance number where the register has no coordinate of its own)."""

    __slots__ = ("_image", "_register", "_coordinate", "_name")

    def __init__(self, image: ConfigImage, register: str,
                 coordinate: type[Coordinate] | None, name: str) -> None:
        object.__setattr__(self, "_image", image)
        object.__setattr__(self, "_register", register)
        object.__setattr__(self, "_coordinate", coordinate)
        object.__setattr__(self, "_name", name)

    @property
    def count(self) -> int:
        return self._image.register(self._register).count

    def _index(self, key: object) -> int:
        if self._coordinate is not None:
            if not isinstance(key, self._coordinate):
                raise CoordinateError(
                    f"{self._name}[{key!r}]: index with a {self._coordinate.__name__}")
            return key.enum
        if isinstance(key, bool) or not isinstance(key, int | np.integer) or not (
                0 <= int(key) < self.count):
            raise CoordinateError(f"{self._name}[{key!r}]: allowed 0..{self.count - 1}")
        return int(key)

    def __getitem__(self, key: object) -> InstanceView:
        i = self._index(key)
        return InstanceView(self._image, self._register, i, f"{self._name}[{key!r}]")

    def __len__(self) -> int:
        return self.count

    def __getattr__(self, name: str) -> FieldView:
        if name not in self._image.columns[self._register]:
            raise UnknownNameError(f"{self._name} has no field {name!r}; fields: "
                                   f"{', '.join(self._image.columns[self._register])}")
        return FieldView(self._image, self._register, name, np.arange(self.count),
                         f"{self._name}.{name}")

    def __setattr__(self, name: str, value: object) -> None:
        """``view.field = v`` sets every instance (one value, or one per instance)."""
        if name not in self._image.columns[self._register]:
            raise InputError(f"{self._name} has no field {name!r}")
        self._image.set(self._register, name, slice(None), value,  # type: ignore[arg-type]
                        where=f"{self._name}.{name}")

    def __dir__(self) -> list[str]:
        return list(self._image.columns[self._register])

    def __repr__(self) -> str:
        cols = self._image.columns[self._register]
        changed = [k for k, v in cols.items()
                   if (v != self._image.register(self._register).field(k).reset).any()]
        return (f"<{self._name}: {self.count} x {self._register}, "
                f"fields set away from reset: {', '.join(changed) or 'none'}>")
