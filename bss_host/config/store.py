"""One file per chip configuration: a NumPy ``.npz`` archive of the configuration's
arrays plus a JSON header (format name, schema version, software version, SHA-256 of the
arrays). A corrupted, truncated, foreign or newer file is refused with
:class:`~bss_host.errors.ConfigFileError`; nothing is half-loaded."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from bss_host.config.chip import Chip
from bss_host.config.image import SYNAPSE_FIELDS, ConfigImage
from bss_host.errors import BssError, ConfigFileError

FORMAT = "bss-host chip configuration"
SCHEMA_VERSION = 1
HEADER = "header.json"


def _software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bss-host")
    except PackageNotFoundError:
        return "unknown"


def _arrays(image: ConfigImage) -> dict[str, np.ndarray]:
    out = {f"{r}/{f}": a for r, cols in image.columns.items() for f, a in cols.items()}
    out.update({f"synapses/{k}": a for k, a in image.synapses.items()})
    return out


def _checksum(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(name.encode())
        h.update(str(a.dtype).encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save(chip: Chip, path: str | Path) -> Path:
    """Write ``chip`` to ``path`` (conventionally ``*.bsschip``), atomically."""
    path = Path(path)
    arrays = _arrays(chip.image)
    header = {"format": FORMAT, "schema_version": SCHEMA_VERSION,
              "software_version": _software_version(), "sha256": _checksum(arrays),
              "arrays": sorted(arrays)}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k.replace("/", "__"): v for k, v in arrays.items()})
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as out:
        out.writestr(HEADER, json.dumps(header, indent=1))
        out.writestr("arrays.npz", buffer.getvalue())
    tmp.replace(path)
    return path


def load(path: str | Path) -> Chip:
    """Read a configuration written by :func:`save`."""
    path = Path(path)
    fail = f"{path}: not a readable chip configuration"
    try:
        with zipfile.ZipFile(path) as z:
            header = json.loads(z.read(HEADER))
            raw = z.read("arrays.npz")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ConfigFileError(f"{fail} ({e}); it is corrupted, truncated or another kind "
                              "of file") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ConfigFileError(f"{fail}: its header does not name the format {FORMAT!r}")
    version = header.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
        raise ConfigFileError(
            f"{path}: schema version {version!r} (written by bss-host "
            f"{header.get('software_version', '?')}); this bss-host reads versions 1.."
            f"{SCHEMA_VERSION}: update bss-host")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            arrays = {k.replace("__", "/"): data[k] for k in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
        raise ConfigFileError(f"{fail}: its arrays cannot be read ({e})") from None
    if _checksum(arrays) != header.get("sha256"):
        raise ConfigFileError(f"{path}: checksum mismatch; the file was changed or damaged")
    reference = ConfigImage.reset()
    expected = _arrays(reference)
    if set(arrays) != set(expected):
        missing, extra = set(expected) - set(arrays), set(arrays) - set(expected)
        raise ConfigFileError(f"{path}: arrays do not match this chip "
                              f"(missing {sorted(missing)[:3]}, unknown {sorted(extra)[:3]})")
    image = reference
    try:
        for name, values in arrays.items():
            group, field = name.split("/")
            if values.shape != expected[name].shape:
                raise ConfigFileError(f"{path}: {name} has shape {values.shape}, "
                                      f"expected {expected[name].shape}")
            if group == "synapses":
                image.set_synapses(field, slice(None), values)
            else:
                image.set(group, field, slice(None), values, where=f"{path.name}: {name}")
    except ConfigFileError:
        raise
    except BssError as e:
        raise ConfigFileError(f"{path}: holds values this chip does not allow: {e}") from None
    assert set(image.synapses) == set(SYNAPSE_FIELDS)
    return Chip(image)
