"""No internet sockets in the serving process: outbound requests fail by construction.

``api.outbound`` refuses SERVICE and LOAD from a parse of the request. That
rests on two parsers reading a query alike; this module makes the answer not
depend on it. Before the server creates its app (and so its query workers),
it installs a seccomp filter that makes ``socket(AF_INET | AF_INET6, …)``
fail with EACCES in this process, in every thread it has or will have, and
in every process it starts: Oxigraph's HTTP client can then not open a
connection whatever the query says. The listening socket is bound first, and
accepted connections come from it, so serving is unaffected; the query
workers talk to the server over Unix socket pairs, which stay allowed.

Linux only (x86-64 and AArch64), through the plain ``seccomp(2)`` system call
(no library needed). Where it is not available, ``forbid_internet_sockets``
says why and the parse check stands alone.
"""

from __future__ import annotations

import ctypes
import os
import platform
import socket
import struct
from dataclasses import dataclass

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1  # every thread of the process, not only the caller
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_EACCES = 13
_X32_SYSCALL_BIT = 0x40000000

# BPF opcodes: load a 32-bit word at an absolute offset, jump if equal / if >=, return.
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

# Offsets in struct seccomp_data: nr (int), arch (u32), instruction_pointer (u64), args[6] (u64).
_NR = 0
_ARCH = 4
_ARG0_LOW = 16  # little-endian: the low half of args[0], the socket's address family


@dataclass(frozen=True)
class _Machine:
    audit_arch: int
    socket_nr: int
    seccomp_nr: int


_MACHINES = {
    "x86_64": _Machine(audit_arch=0xC000003E, socket_nr=41, seccomp_nr=317),
    "aarch64": _Machine(audit_arch=0xC00000B7, socket_nr=198, seccomp_nr=277),
}


class _SockFprog(ctypes.Structure):  # struct sock_fprog
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class SandboxUnavailable(Exception):
    """The filter could not be installed here; the message says why."""


def _filter(machine: _Machine) -> list[tuple[int, int, int, int]]:
    """The BPF program: (code, jump-if-true, jump-if-false, k) per instruction."""
    deny = _SECCOMP_RET_ERRNO | _EACCES
    return [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, machine.audit_arch),
        (_RET_K, 0, 0, deny),  # a foreign system-call ABI: nothing it might call is known
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT),
        (_RET_K, 0, 0, deny),  # the x32 ABI of x86-64: same arch value, other numbers
        (_JEQ_K, 0, 3, machine.socket_nr),
        (_LD_W_ABS, 0, 0, _ARG0_LOW),
        (_JEQ_K, 2, 0, socket.AF_INET),
        (_JEQ_K, 1, 0, socket.AF_INET6),
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]


def _checked(program: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    # Jumps are relative offsets written by hand: an edit that moves an
    # instruction must not make one jump past the end of the program.
    for index, (code, true_jump, false_jump, _k) in enumerate(program):
        if code in (_JEQ_K, _JGE_K):
            for jump in (true_jump, false_jump):
                if index + 1 + jump >= len(program):
                    raise AssertionError(f"seccomp filter: jump out of the program at instruction {index}")
    return program


def forbid_internet_sockets() -> None:
    """Make every later ``socket(AF_INET/AF_INET6)`` in this process tree fail with EACCES.

    Call it once the listening socket is bound. Raises ``SandboxUnavailable``
    off Linux, on an unknown machine, or where the kernel refuses (for
    instance inside a container whose own seccomp profile forbids seccomp).
    """
    if os.name != "posix" or platform.system() != "Linux":
        raise SandboxUnavailable(f"seccomp needs Linux; this is {platform.system()}")
    machine = _MACHINES.get(platform.machine())
    if machine is None:
        raise SandboxUnavailable(f"no seccomp filter is written for the {platform.machine()} machine")
    program = _checked(_filter(machine))
    packed = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    instructions = ctypes.create_string_buffer(packed)

    fprog = _SockFprog(len(program), ctypes.cast(instructions, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
    result = libc.syscall(
        ctypes.c_long(machine.seccomp_nr),
        ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result != 0:
        error = ctypes.get_errno()
        why = os.strerror(error) if result < 0 else f"thread {result} could not be synchronised"
        raise SandboxUnavailable(f"seccomp(SET_MODE_FILTER) failed: {why}")
