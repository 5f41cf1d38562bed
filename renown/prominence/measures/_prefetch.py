"""Software prefetch for numba kernels that gather from large arrays.

numba exposes no prefetch instruction, so this module defines one as an intrinsic that
emits LLVM's ``llvm.prefetch``. Irregular gathers (``x[indices[e]]`` in a sparse
matrix-vector product) defeat the hardware prefetcher, which only follows regular
strides; asking for an element a few iterations before it is used hides part of the
cache-miss latency. It is a hint: it reads nothing and cannot fault or change a result.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir  # type: ignore[import-untyped]
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["prefetch"]


def _prefetch_typing(typingctx: Any, array: Any, index: Any) -> Any:
    """Typing and code generation of :data:`prefetch` (numba's intrinsic protocol)."""
    del typingctx  # required by the protocol, unused

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array_type = signature.args[0]
        values = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
            context, builder, array_type, values, [args[1]], wraparound=False
        )
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        prefetch_type = ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32])
        prefetch = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, prefetch_type, "llvm.prefetch.p0i8"
        )
        read, keep_close, data_cache = (ir.Constant(int32, v) for v in (0, 3, 1))
        builder.call(
            prefetch, [builder.bitcast(pointer, byte_pointer), read, keep_close, data_cache]
        )
        return context.get_dummy_value()

    return types.void(array, index), codegen


prefetch: Any = intrinsic(_prefetch_typing)
"""``prefetch(array, index)`` in compiled code: hint the CPU to bring ``array[index]``
into cache (LLVM ``llvm.prefetch``: read, high temporal locality, data cache). Nothing is
read, so nothing can fault, but callers pass valid indices anyway."""
