"""librime through its C API (ctypes), for the IME benchmark only: the mature engine it compares with.

Needs Debian librime1 + rime-data-luna-pinyin (luna_pinyin_simp schema, prebuilt in /usr/share/rime-data).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

SHARED = Path("/usr/share/rime-data")


class _Traits(ctypes.Structure):
    _fields_ = [
        ("data_size", ctypes.c_int),
        ("shared_data_dir", ctypes.c_char_p),
        ("user_data_dir", ctypes.c_char_p),
        ("distribution_name", ctypes.c_char_p),
        ("distribution_code_name", ctypes.c_char_p),
        ("distribution_version", ctypes.c_char_p),
        ("app_name", ctypes.c_char_p),
        ("modules", ctypes.c_void_p),
        ("min_log_level", ctypes.c_int),
        ("log_dir", ctypes.c_char_p),
        ("prebuilt_data_dir", ctypes.c_char_p),
        ("staging_dir", ctypes.c_char_p),
    ]


class _Candidate(ctypes.Structure):
    _fields_ = [("text", ctypes.c_char_p), ("comment", ctypes.c_char_p), ("reserved", ctypes.c_void_p)]


class _Iterator(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("index", ctypes.c_int), ("candidate", _Candidate)]


@dataclass
class _Result:
    text: str


def prepare_rime(user_dir: Path) -> Path:
    user_dir.mkdir(parents=True, exist_ok=True)
    return user_dir


class RimeEngine:
    def __init__(self, user_dir: Path) -> None:
        lib = ctypes.CDLL("librime.so.1")
        lib.RimeCreateSession.restype = ctypes.c_size_t
        for name in ("RimeSimulateKeySequence", "RimeSelectSchema", "RimeClearComposition"):
            getattr(lib, name).argtypes = (
                [ctypes.c_size_t, ctypes.c_char_p] if "Clear" not in name else [ctypes.c_size_t]
            )
        lib.RimeCandidateListBegin.argtypes = [ctypes.c_size_t, ctypes.POINTER(_Iterator)]
        lib.RimeCandidateListNext.argtypes = [ctypes.POINTER(_Iterator)]
        lib.RimeCandidateListEnd.argtypes = [ctypes.POINTER(_Iterator)]
        self._keep = [
            str(p).encode() for p in (SHARED, user_dir, user_dir / "log", SHARED / "build", user_dir / "build")
        ]
        (user_dir / "log").mkdir(parents=True, exist_ok=True)
        traits = _Traits(
            data_size=ctypes.sizeof(_Traits) - ctypes.sizeof(ctypes.c_int),
            shared_data_dir=self._keep[0],
            user_data_dir=self._keep[1],
            distribution_name=b"kiosk-benchmark",
            distribution_code_name=b"kiosk",
            distribution_version=b"0",
            app_name=b"rime.kiosk",
            min_log_level=3,
            log_dir=self._keep[2],
            prebuilt_data_dir=self._keep[3],
            staging_dir=self._keep[4],
        )
        self._traits = traits
        lib.RimeSetup(ctypes.byref(traits))
        lib.RimeInitialize(ctypes.byref(traits))
        if lib.RimeStartMaintenance(0):
            lib.RimeJoinMaintenanceThread()
        self.lib = lib
        self.session = lib.RimeCreateSession()
        if not lib.RimeSelectSchema(self.session, b"luna_pinyin_simp"):
            raise RuntimeError("librime: no luna_pinyin_simp schema")

    def candidates(self, text: str, limit: int = 10) -> list[_Result]:
        lib = self.lib
        lib.RimeClearComposition(self.session)
        lib.RimeSimulateKeySequence(self.session, text.replace("'", "'").encode())
        iterator = _Iterator()
        found: list[_Result] = []
        if lib.RimeCandidateListBegin(self.session, ctypes.byref(iterator)):
            while len(found) < limit and lib.RimeCandidateListNext(ctypes.byref(iterator)):
                found.append(_Result(iterator.candidate.text.decode("utf-8")))
            lib.RimeCandidateListEnd(ctypes.byref(iterator))
        return found
