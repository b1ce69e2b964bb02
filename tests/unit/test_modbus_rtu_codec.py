"""The RTU codec: request frames against published ones, and `rtu_reader` on every stream shape.

Published frames are the worked examples of the Modbus spec companions (Simply Modbus,
slave 0x11) and the ubiquitous ``01 03 00 00 00 0A C5 CD``; the CRC used to build test
replies is written out bit by bit here, independent of the table code under test.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.link import FrameError, Link, LinkDown
from drivers.modbus import (
    EXCEPTION_CODES,
    ModbusCrcError,
    ModbusExceptionResponse,
    ModbusFrameError,
    ModbusRtu,
    decode_rtu_reply,
    rtu_read_frame,
    rtu_reader,
    rtu_write_frame,
)


def crc16(data: bytes) -> bytes:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc.to_bytes(2, "little")


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def frame(*body: int) -> bytes:
    return bytes(body) + crc16(bytes(body))


def regs_reply(unit: int, values: list[int], function: int = 3) -> bytes:
    body = bytes((unit, function, 2 * len(values))) + struct.pack(f">{len(values)}H", *values)
    return body + crc16(body)


# -- requests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("built", "published"),
    [
        (lambda: rtu_read_frame(1, 3, 0, 10), "01 03 00 00 00 0A C5 CD"),
        (lambda: rtu_read_frame(0x11, 3, 0x6B, 3), "11 03 00 6B 00 03 76 87"),
        (lambda: rtu_read_frame(0x11, 1, 0x13, 0x25), "11 01 00 13 00 25 0E 84"),
        (lambda: rtu_read_frame(0x11, 2, 0xC4, 0x16), "11 02 00 C4 00 16 BA A9"),
        (lambda: rtu_read_frame(0x11, 4, 0x08, 1), "11 04 00 08 00 01 B2 98"),
        (lambda: rtu_write_frame(0x11, 5, 0xAC, [True]), "11 05 00 AC FF 00 4E 8B"),
        (lambda: rtu_write_frame(0x11, 6, 0x01, [3]), "11 06 00 01 00 03 9A 9B"),
        (
            lambda: rtu_write_frame(0x11, 15, 0x13, [1, 0, 1, 1, 0, 0, 1, 1, 1, 0]),
            "11 0F 00 13 00 0A 02 CD 01 BF 0B",
        ),
        (lambda: rtu_write_frame(0x11, 16, 0x01, [0x000A, 0x0102]), "11 10 00 01 00 02 04 00 0A 01 02 C6 F0"),
    ],
)
def test_requests_match_published_frames(built, published):
    assert built() == h(published)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rtu_read_frame(1, 3, 0, 126), "1..125"),
        (lambda: rtu_read_frame(1, 1, 0, 2001), "1..2000"),
        (lambda: rtu_read_frame(1, 3, 0, 0), "1..125"),
        (lambda: rtu_read_frame(1, 3, 65535, 2), "past address 65535"),
        (lambda: rtu_read_frame(1, 3, -1, 2), "0..65535"),
        (lambda: rtu_read_frame(0, 3, 0, 1), "unit id 0"),
        (lambda: rtu_read_frame(248, 3, 0, 1), "unit id 248"),
        (lambda: rtu_read_frame(1, 7, 0, 1), "not a read"),
        (lambda: rtu_write_frame(1, 16, 0, [0] * 124), "1..123"),
        (lambda: rtu_write_frame(1, 15, 0, [True] * 1969), "1..1968"),
        (lambda: rtu_write_frame(1, 6, 0, [70000]), "0..65535"),
        (lambda: rtu_write_frame(1, 16, 0, []), "1..123"),
        (lambda: rtu_write_frame(1, 5, 0, [2]), "not a bool"),
    ],
)
def test_bad_requests_are_value_errors_that_say_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()


async def test_master_checks_arguments_before_touching_the_link():
    bus = ModbusRtu(Link("bus-1"))  # a real Link with no connection under it
    with pytest.raises(ValueError, match="does not read registers"):
        await bus.read_registers(1, 0, 1, function=1)
    with pytest.raises(ValueError, match="does not read bits"):
        await bus.read_bits(1, 0, 1, function=3)
    with pytest.raises(ValueError, match=r"1\.\.125"):
        await bus.read_registers(1, 0, 200)
    with pytest.raises(ValueError, match="timeout"):
        await bus.read_registers(1, 0, 1, timeout=0)
    with pytest.raises(LinkDown, match="bus-1"):
        await bus.read_registers(1, 0, 1)
    with pytest.raises(LinkDown):
        await bus.write_coils(0, 0, [True])  # a broadcast needs a connection too


# -- the reader -------------------------------------------------------------------------------------------

REPLY = h("11 03 06 AE 41 56 52 43 40 49 AD")  # published reply to 11 03 00 6B 00 03


def test_whole_published_reply():
    assert rtu_reader(0x11, 3, 3)(bytearray(REPLY)) == (0, len(REPLY))
    assert decode_rtu_reply(REPLY, 0x11, 3).registers == [0xAE41, 0x5652, 0x4340]
    coils = h("11 01 05 CD 6B B2 0E 1B 45 E6")
    assert rtu_reader(0x11, 1, 37)(bytearray(coils)) == (0, len(coils))
    bits = decode_rtu_reply(coils, 0x11, 1).bits[:37]
    assert bits[:8] == [True, False, True, True, False, False, True, True]  # 0xCD, LSB first
    assert bits[32:] == [True, True, False, True, True]  # 0x1B, the 5 bits asked for


@pytest.mark.parametrize("cut", range(1, len(REPLY)))
def test_split_at_every_byte(cut):
    reader = rtu_reader(0x11, 3, 3)
    buf = bytearray(REPLY[:cut])
    assert reader(buf) is None
    buf += REPLY[cut:]
    assert reader(buf) == (0, len(REPLY))


@pytest.mark.parametrize(
    "noise",
    [
        b"www.usr.cn",  # a heartbeat the link did not know about
        b"\x11",  # our unit id alone
        b"\x11\x03",  # our header, then silence
        b"\x11\x03\x06\x00",  # a truncated start of a reply
        b"\xff\x00\x11\x83\x02",  # an exception header without its CRC
        bytes(range(256)),  # every byte value once
    ],
)
def test_noise_before_the_reply(noise):
    buf = bytearray(noise + REPLY)
    span = rtu_reader(0x11, 3, 3)(buf)
    assert span is not None and bytes(buf[span[0] : span[1]]) == REPLY


def test_late_reply_to_another_request_before_ours():
    late = regs_reply(0x11, [1, 2])  # same unit and function, 2 registers: not our 3
    reader = rtu_reader(0x11, 3, 3)
    buf = bytearray(late + REPLY)
    assert reader(buf) == (len(late), len(late) + len(REPLY))
    assert "late reply" in reader.mismatch
    other_unit = regs_reply(0x12, [1, 2, 3])  # right length, wrong unit
    assert rtu_reader(0x11, 3, 3)(bytearray(other_unit + REPLY)) == (len(other_unit), len(other_unit) + 11)
    other_function = regs_reply(0x11, [1, 2, 3], function=4)
    assert rtu_reader(0x11, 3, 3)(bytearray(other_function + REPLY))[0] == len(other_function)


def test_only_a_late_reply_waits_and_remembers_it():
    reader = rtu_reader(0x11, 3, 3)
    assert reader(bytearray(regs_reply(0x11, [1, 2]))) is None
    assert "sent 4 data bytes" in reader.mismatch and "6 were asked" in reader.mismatch


def test_crc_error_is_typed():
    bad = bytearray(REPLY)
    bad[5] ^= 0x01
    with pytest.raises(ModbusCrcError, match="CRC") as caught:
        rtu_reader(0x11, 3, 3)(bad)
    assert isinstance(caught.value, FrameError)


def test_crc_error_followed_by_a_good_reply():
    bad = bytearray(REPLY)
    bad[-1] ^= 0xFF
    buf = bad + REPLY
    assert rtu_reader(0x11, 3, 3)(buf) == (len(REPLY), 2 * len(REPLY))


def test_crc_error_followed_by_a_possible_reply_waits():
    bad = bytearray(REPLY)
    bad[-1] ^= 0xFF
    reader = rtu_reader(0x11, 3, 3)
    buf = bad + REPLY[:4]
    assert reader(buf) is None
    assert "bad CRC" in reader.bad_crc
    buf += REPLY[4:]
    assert reader(buf) == (len(REPLY), 2 * len(REPLY))


def test_exception_reply():
    reply = frame(0x11, 0x83, 0x02)
    buf = bytearray(b"\x00" + reply)
    assert rtu_reader(0x11, 3, 3)(buf) == (1, 6)
    with pytest.raises(ModbusExceptionResponse) as caught:
        decode_rtu_reply(reply, 0x11, 3, "DTU-7")
    err = caught.value
    assert (err.code, err.unit, err.function, err.name) == (2, 0x11, 3, "illegal data address")
    assert str(err).startswith("DTU-7: unit 17, function 03: exception 02 illegal data address")
    assert rtu_reader(0x11, 3, 3)(bytearray(frame(0x12, 0x83, 0x02))) is None  # another unit's


@pytest.mark.parametrize("code", [*sorted(EXCEPTION_CODES), 0x42])
def test_every_exception_code_reads_well(code):
    err = ModbusExceptionResponse(code, unit=3, function=0x84)
    assert err.function == 4 and f"exception {code:02X}" in str(err)
    assert err.name == EXCEPTION_CODES.get(code, ("unknown exception",))[0]


def test_two_merged_replies_take_the_first():
    second = regs_reply(0x11, [7, 8, 9])
    assert rtu_reader(0x11, 3, 3)(bytearray(REPLY + second)) == (0, len(REPLY))


def test_write_replies_must_echo_the_request():
    request = rtu_write_frame(0x11, 6, 0x01, [3])
    reader = rtu_reader(0x11, 6, 1, echo=request[2:6])
    assert reader(bytearray(request)) == (0, 8)  # FC6 replies with the request itself
    late = rtu_write_frame(0x11, 6, 0x02, [3])
    reader = rtu_reader(0x11, 6, 1, echo=request[2:6])
    assert reader(bytearray(late + request)) == (8, 16)
    assert "late reply to another write" in reader.mismatch
    coils = h("11 0F 00 13 00 0A 26 99")  # published reply to the FC15 request above
    assert rtu_reader(0x11, 15, 10, echo=h("00 13 00 0A"))(bytearray(coils)) == (0, 8)
    regs = h("11 10 00 01 00 02 12 98")
    assert rtu_reader(0x11, 16, 2, echo=h("00 01 00 02"))(bytearray(regs)) == (0, 8)


def test_undecodable_reply_is_a_frame_error():
    with pytest.raises(ModbusFrameError, match="cannot decode"):
        decode_rtu_reply(frame(1, 0x41, 0), 1, 0x41)  # a user-defined function


def test_reader_refuses_impossible_requests():
    with pytest.raises(ValueError):
        rtu_reader(1, 7, 1)
    with pytest.raises(ValueError):
        rtu_reader(1, 3, 126)


# -- fuzz ---------------------------------------------------------------------------------------------

READS = st.sampled_from([(17, 3, 3), (1, 4, 1), (17, 1, 37), (17, 2, 8), (1, 3, 125), (2, 1, 2000)])
WRITES = st.sampled_from([(1, 5), (1, 6), (17, 15), (17, 16)])


def check_outcome(reader, buf: bytearray) -> None:
    """Any bytes give None, a span that holds a CRC-valid frame for us, or a typed error."""
    try:
        span = reader(buf)
    except FrameError:
        return
    if span is None:
        return
    start, end = span
    assert 0 <= start < end <= len(buf)
    got = bytes(buf[start:end])
    assert got[0] == reader.unit and got[1] & 0x7F == reader.function
    assert crc16(got[:-2]) == got[-2:]


#: Pieces that look like the start of replies, so the fuzz reaches every branch of the scan.
PIECES = st.one_of(
    st.binary(max_size=12),
    st.sampled_from(
        [REPLY, REPLY[:5], b"\x11\x03", b"\x11\x83", b"\x11\x03\x06", b"\x01\x03\x06", b"\x11\x01\x05"]
    ),
    st.sampled_from([frame(0x11, 0x83, 2), frame(1, 0x84, 4), regs_reply(0x11, [1, 2]), regs_reply(1, [5])]),
)


@settings(database=None, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(read=READS, data=st.binary(max_size=400))
def test_fuzz_reads_any_bytes(read, data):
    check_outcome(rtu_reader(*read), bytearray(data))


@settings(database=None, deadline=None, max_examples=400)
@given(read=READS, pieces=st.lists(PIECES, max_size=12))
def test_fuzz_reads_reply_like_bytes(read, pieces):
    check_outcome(rtu_reader(*read), bytearray(b"".join(pieces)))


@settings(database=None, deadline=None, max_examples=300)
@given(write=WRITES, echo=st.binary(min_size=4, max_size=4), data=st.binary(max_size=100))
def test_fuzz_writes_any_bytes(write, echo, data):
    check_outcome(rtu_reader(write[0], write[1], 1, echo=echo), bytearray(data))


@settings(database=None, deadline=None, max_examples=300)
@given(
    before=st.binary(max_size=40),
    after=st.binary(max_size=40),
    values=st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=10),
    flip=st.integers(0, 2000),
)
def test_fuzz_a_real_reply_in_noise(before, after, values, flip):
    """A valid reply surrounded by noise is found, or a typed error/None when a bit was flipped."""
    reply = bytearray(regs_reply(9, values))
    reader = rtu_reader(9, 3, len(values))
    found = reader(bytearray(before) + reply + after)
    assert found is not None
    if flip < 8 * len(reply):
        reply[flip // 8] ^= 1 << (flip % 8)
        check_outcome(rtu_reader(9, 3, len(values)), bytearray(before) + reply + after)
