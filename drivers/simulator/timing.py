"""The RS-485 timing model: how long one exchange takes on the wire.

A scan cycle on a serial bus can never be faster than the sum of its exchanges, and each
exchange costs: the request on the wire, the slave noticing the end of the frame (3.5
characters of silence for Modbus RTU), the slave's turnaround, the reply on the wire, and the
master noticing the reply's end.  The simulator sleeps exactly this long when bus timing is on,
and the benchmark compares its measured scan cycle with `BusTiming.exchange`.

Every character is counted as 11 bits (start, 8 data, parity or a second stop bit, stop), as
the Modbus serial line specification counts it and as DL/T645's 8E1 is.  Above 19200 baud
Modbus fixes the 3.5-character gap at 1.75 ms.

The default turnaround of 10 ms is a typical figure for panel meters (data sheets quote from
a few to a few tens of milliseconds); DL/T645 revenue meters are slower to answer (tens to
hundreds of milliseconds), and the simulator uses 40 ms for them.
"""

from __future__ import annotations

from dataclasses import dataclass

BITS_PER_CHAR = 11
MODBUS_TURNAROUND = 0.010
DLT645_TURNAROUND = 0.040


@dataclass(frozen=True, slots=True)
class BusTiming:
    """Wire timing of one RS-485 bus at ``baud``, with a slave turnaround of ``turnaround_s``."""

    baud: int = 9600
    turnaround_s: float = MODBUS_TURNAROUND

    def __post_init__(self) -> None:
        if not 300 <= self.baud <= 921600:
            raise ValueError(f"baud {self.baud} is outside 300..921600")
        if not 0.0 <= self.turnaround_s <= 10.0:
            raise ValueError(f"turnaround {self.turnaround_s} s is outside 0..10 s")

    @property
    def char_s(self) -> float:
        """Seconds per character on the wire."""
        return BITS_PER_CHAR / self.baud

    @property
    def gap_s(self) -> float:
        """The inter-frame silence (t3.5): 3.5 characters, but 1.75 ms above 19200 baud."""
        return 3.5 * self.char_s if self.baud <= 19200 else 0.00175

    def wire_s(self, n_bytes: int) -> float:
        """Seconds ``n_bytes`` take on the wire."""
        return n_bytes * self.char_s

    def exchange(self, request_bytes: int, reply_bytes: int) -> float:
        """Theoretical minimum seconds of one request/reply exchange, gaps included.

        request + t3.5 + turnaround + reply + t3.5: the second gap is the master's end of
        frame (and the silence it must leave before its next request).
        """
        return self.wire_s(request_bytes + reply_bytes) + 2 * self.gap_s + self.turnaround_s

    def unanswered(self, request_bytes: int) -> float:
        """Seconds a request with no reply occupies the bus (before any master timeout)."""
        return self.wire_s(request_bytes) + self.gap_s
