"""One error tree: every public exception is a BssError and a fitting builtin; the
extension raises the same classes; the CLI prints them as one line and lets bugs show."""

from __future__ import annotations

import builtins
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import bss_host
from bss_host import REGMAP, Program, _core, errors
from bss_host.cli import main
from bss_host.ppu import PpuImage

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
PUBLIC = [getattr(errors, n) for n in errors.__all__]


def test_every_public_exception_is_a_bss_error_and_a_builtin() -> None:
    assert len(PUBLIC) >= 40
    for cls in PUBLIC:
        assert issubclass(cls, errors.BssError), cls
        if cls is errors.BssError:
            continue
        builtins = [b for b in inspect.getmro(cls)
                    if b.__module__ == "builtins" and b not in (Exception, BaseException, object)]
        assert builtins, f"{cls.__name__} has no fitting builtin base"


def test_every_exception_class_in_the_package_is_in_the_tree() -> None:
    import importlib
    import pkgutil

    found = set()
    for info in pkgutil.walk_packages(bss_host.__path__, prefix="bss_host."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException)
                    and not name.startswith("_") and obj.__module__.startswith("bss_host")):
                found.add(obj)
    assert found <= set(PUBLIC), found - set(PUBLIC)


def test_errors_the_readme_names_are_importable_from_bss_host() -> None:
    builtin = {n for n in dir(builtins) if n.endswith("Error")}
    named = set(re.findall(r"\b([A-Z][A-Za-z]+Error)\b", README)) - builtin
    assert {"BssError", "LinkError", "ProgramTooLargeError"} <= named
    for name in named:
        cls = getattr(bss_host, name)
        assert cls is getattr(errors, name) and issubclass(cls, errors.BssError)


def test_the_extension_raises_the_classes_of_bss_host_errors() -> None:
    cases = [
        (lambda: REGMAP["neuron_config"].encode(5, enable_fire=2), errors.ValueOutOfRangeError),
        (lambda: _core.encode("no_such_register", 0, []), errors.UnknownNameError),
        (lambda: Program(limit=16).write_words(np.arange(100, dtype=np.uint32),
                                               np.zeros(100, np.uint32)),
         errors.ProgramTooLargeError),
        (lambda: _core.wire_decode_instructions(b"\xff\xff"), errors.WireError),
        (lambda: PpuImage.assemble("not_an_instruction r1"), errors.PpuAsmError),
        (lambda: PpuImage.from_elf(b"\x7fELF nonsense"), errors.PpuElfError),
    ]
    for call, cls in cases:
        with pytest.raises(cls) as info:
            call()
        assert type(info.value).__module__ == "bss_host.errors", type(info.value)
        assert isinstance(info.value, errors.BssError)
        assert "_core" not in type(info.value).__qualname__


def test_value_out_of_range_carries_what_was_wrong() -> None:
    with pytest.raises(errors.ValueOutOfRangeError) as info:
        REGMAP["neuron_config"].encode(5, enable_fire=2)
    e = info.value
    assert (e.register, e.field, e.value) == ("neuron_config", "enable_fire", 2)
    assert e.allowed and isinstance(e, ValueError)


def test_cli_prints_a_bss_error_as_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regs", "encode", "neuron_config[5]", "enable_fire=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_lets_a_bug_show_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from bss_host.cli import info

    def broken(_args: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(info, "cmd_info", broken)
    with pytest.raises(ZeroDivisionError, match="a bug"):
        main(["info"])
